package io.scripttask.remediation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.Condition;
import io.scripttask.remediation.StepRetry;
import io.scripttask.scheduler.ValidationException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StepRetryTest {

  @Test
  void theDefaultsAreThreeAttemptsOfExponentialBackoffWithJitter() {
    StepRetry r = StepRetry.builder().build();

    assertThat(r.maxAttempts()).isEqualTo(3);
    assertThat(r.initialBackoff()).isEqualTo(Duration.ofSeconds(10));
    assertThat(r.multiplier()).isEqualTo(2.0);
    assertThat(r.maxBackoff()).isEqualTo(Duration.ofMinutes(10));
    assertThat(r.jitter()).isEqualTo(0.2);
    assertThat(r.retryOn()).isNull();
    assertThat(r.budget()).isNull();
    assertThat(r.retries()).isTrue();
    assertThat(StepRetry.none().retries()).isFalse();
    assertThat(StepRetry.none().maxAttempts()).isEqualTo(1);
  }

  @Test
  void theFirstAttemptHasNoDelay() {
    assertThat(StepRetry.builder().build().delayBeforeAttempt(1, 42)).isZero();
    assertThat(StepRetry.none().delayBeforeAttempt(1, 42)).isZero();
  }

  @Test
  void withoutJitterDelaysGrowByTheMultiplierUpToTheCap() {
    StepRetry r =
        StepRetry.builder()
            .maxAttempts(10)
            .initialBackoff(Duration.ofSeconds(1))
            .multiplier(3)
            .maxBackoff(Duration.ofSeconds(20))
            .jitter(0)
            .build();

    assertThat(r.delayBeforeAttempt(2, 0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(r.delayBeforeAttempt(3, 0)).isEqualTo(Duration.ofSeconds(3));
    assertThat(r.delayBeforeAttempt(4, 0)).isEqualTo(Duration.ofSeconds(9));
    assertThat(r.delayBeforeAttempt(5, 0)).isEqualTo(Duration.ofSeconds(20));
    assertThat(r.delayBeforeAttempt(9, 0)).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void aFixedPolicyWaitsTheSameEveryTime() {
    StepRetry r = StepRetry.fixed(4, Duration.ofSeconds(15));

    assertThat(r.delayBeforeAttempt(2, 7)).isEqualTo(Duration.ofSeconds(15));
    assertThat(r.delayBeforeAttempt(4, 99)).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void jitterIsDeterministicForASeedAndStaysWithinItsBand() {
    StepRetry r =
        StepRetry.builder()
            .maxAttempts(5)
            .initialBackoff(Duration.ofSeconds(10))
            .jitter(0.5)
            .build();
    Set<Duration> seen = new HashSet<>();

    for (long seed = 0; seed < 200; seed++) {
      Duration d = r.delayBeforeAttempt(3, seed);
      assertThat(d).isEqualTo(r.delayBeforeAttempt(3, seed));
      assertThat(d).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(30));
      seen.add(d);
    }
    assertThat(seen).as("different seeds spread the delays").hasSizeGreaterThan(100);
  }

  @Test
  void jitterNeverExceedsTheCap() {
    StepRetry r =
        StepRetry.builder()
            .maxAttempts(10)
            .initialBackoff(Duration.ofSeconds(10))
            .maxBackoff(Duration.ofSeconds(30))
            .jitter(1.0)
            .build();

    for (long seed = 0; seed < 100; seed++) {
      assertThat(r.delayBeforeAttempt(8, seed)).isBetween(Duration.ZERO, Duration.ofSeconds(30));
    }
  }

  @Test
  void anInitialDelayAboveTheDefaultCapRaisesTheCapUnlessOneWasGiven() {
    assertThat(StepRetry.builder().initialBackoff(Duration.ofMinutes(20)).build().maxBackoff())
        .isEqualTo(Duration.ofMinutes(20));
    assertThatThrownBy(
            () ->
                StepRetry.builder()
                    .maxBackoff(Duration.ofMinutes(1))
                    .initialBackoff(Duration.ofMinutes(2))
                    .build())
        .isInstanceOf(ValidationException.class)
        .hasMessage("maxBackoff must be at least initialBackoff (PT2M), but was PT1M");
  }

  @Test
  void outOfRangeValuesAreRejectedNamingFieldAndValue() {
    assertThatThrownBy(() -> StepRetry.builder().maxAttempts(0).build())
        .isInstanceOf(ValidationException.class)
        .hasMessage("maxAttempts must be 1 to 100, but was 0");
    assertThatThrownBy(() -> StepRetry.builder().maxAttempts(101).build())
        .hasMessage("maxAttempts must be 1 to 100, but was 101");
    assertThatThrownBy(() -> StepRetry.builder().initialBackoff(Duration.ofSeconds(-1)).build())
        .hasMessage("initialBackoff must not be negative, but was PT-1S");
    assertThatThrownBy(() -> StepRetry.builder().multiplier(0.5).build())
        .hasMessage("multiplier must be at least 1, but was 0.5");
    assertThatThrownBy(() -> StepRetry.builder().jitter(1.5).build())
        .hasMessage("jitter must be 0 to 1, but was 1.5");
    assertThatThrownBy(() -> StepRetry.builder().budget(Duration.ZERO).build())
        .hasMessage("budget must be positive, but was PT0S");
    assertThatThrownBy(() -> StepRetry.none().delayBeforeAttempt(0, 1))
        .hasMessage("attempt must be at least 1, but was 0");
  }

  @Test
  void retryOnAndBudgetAreKept() {
    StepRetry r =
        StepRetry.builder().retryOn(Condition.exitCode(75)).budget(Duration.ofMinutes(5)).build();

    assertThat(r.retryOnIfSet()).contains(Condition.exitCode(75));
    assertThat(r.budgetIfSet()).contains(Duration.ofMinutes(5));
  }
}
