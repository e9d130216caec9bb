package io.scripttask.remediation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.ApprovalStep;
import io.scripttask.remediation.ConditionContext;
import io.scripttask.remediation.EscalationPolicy;
import io.scripttask.remediation.EscalationTier;
import io.scripttask.remediation.HealthCheckStep;
import io.scripttask.remediation.RateLimit;
import io.scripttask.remediation.Secret;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepResult;
import io.scripttask.scheduler.Notification.Severity;
import io.scripttask.scheduler.ValidationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void aSecretNeverShowsItsValue() {
    Secret s = Secret.of("https://hooks.slack.com/services/T/B/token");

    assertThat(s.toString()).isEqualTo("***");
    assertThat(s.reveal()).isEqualTo("https://hooks.slack.com/services/T/B/token");
    assertThat(s).isEqualTo(Secret.of("https://hooks.slack.com/services/T/B/token"));
    assertThat(s).isNotEqualTo(Secret.of("https://hooks.slack.com/services/T/B/other"));
    assertThatThrownBy(() -> Secret.of(" "))
        .isInstanceOf(ValidationException.class)
        .hasMessage("secret must not be blank, but was ***");
  }

  @Test
  void aRateLimitNeedsPositiveCountsAndPeriod() {
    assertThat(RateLimit.perPeriod(5, Duration.ofHours(1)).limitsConcurrentNodes()).isFalse();
    assertThat(RateLimit.UNLIMITED.limitsExecutions()).isFalse();
    assertThatThrownBy(() -> new RateLimit(0, Duration.ofHours(1), 1))
        .isInstanceOf(ValidationException.class)
        .hasMessage("maxExecutions must be at least 1, but was 0");
    assertThatThrownBy(() -> new RateLimit(1, Duration.ZERO, 1))
        .hasMessage("period must be positive, but was PT0S");
    assertThatThrownBy(() -> new RateLimit(1, Duration.ofHours(1), 0))
        .hasMessage("maxConcurrentNodes must be at least 1, but was 0");
  }

  @Test
  void anEscalationPolicyHasOrderedTiersRepeatedNTimes() {
    EscalationPolicy p =
        EscalationPolicy.of(
                EscalationTier.of("slack", Duration.ZERO),
                new EscalationTier(
                    "pager",
                    Duration.ofMinutes(15),
                    Severity.CRITICAL,
                    io.scripttask.remediation.Template.of("still failing on ${node.id}")))
            .repeat(3);

    assertThat(p.tiers()).extracting(EscalationTier::channel).containsExactly("slack", "pager");
    assertThat(p.repeat()).isEqualTo(3);
    assertThatThrownBy(() -> p.repeat(0))
        .isInstanceOf(ValidationException.class)
        .hasMessage("repeat must be 1 to 100, but was 0");
    assertThatThrownBy(() -> EscalationPolicy.of())
        .hasMessage("tiers must name at least one tier, but was []");
    assertThatThrownBy(() -> EscalationTier.of(" ", Duration.ZERO))
        .hasMessage("channel must not be blank, but was \" \"");
    assertThatThrownBy(() -> EscalationTier.of("x", Duration.ofSeconds(-1)))
        .hasMessage("delay must not be negative, but was PT-1S");
  }

  @Test
  void aStepResultSucceedsByDefaultOnExitCodeZeroWithoutTimeout() {
    assertThat(StepResult.of(0, "").succeededByDefault()).isTrue();
    assertThat(StepResult.of(2, "").succeededByDefault()).isFalse();
    assertThat(StepResult.timedOut("", "").succeededByDefault()).isFalse();
    assertThat(StepResult.EMPTY.succeededByDefault()).isTrue();
  }

  @Test
  void aConditionContextKeepsNullTriggerValuesAndCannotBeChanged() {
    Map<String, Object> data = new HashMap<>();
    data.put("x", null);
    ConditionContext ctx = ConditionContext.ofTrigger(data);

    assertThat(ctx.trigger()).containsEntry("x", null);
    assertThat(ctx.currentResult()).isEmpty();
    assertThat(ctx.step("a")).isEmpty();
    assertThatThrownBy(() -> ctx.trigger().put("y", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aHealthCheckProbeTimeoutDefaultsToItsInterval() {
    HealthCheckStep h = Step.healthCheck("h").script("p").interval(Duration.ofSeconds(20)).build();

    assertThat(h.effectiveProbeTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(
            Step.healthCheck("h")
                .script("p")
                .interval(Duration.ofSeconds(20))
                .probeTimeout(Duration.ofSeconds(5))
                .build()
                .effectiveProbeTimeout())
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void anApprovalWithoutApproversMayBeDecidedByAnyone() {
    ApprovalStep open = Step.approval("a").ttl(Duration.ofHours(1)).build();
    ApprovalStep closed = Step.approval("a").ttl(Duration.ofHours(1)).approvers("alice").build();

    assertThat(open.mayDecide("bob")).isTrue();
    assertThat(closed.mayDecide("alice")).isTrue();
    assertThat(closed.mayDecide("bob")).isFalse();
  }
}
