package io.scripttask.remediation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.Condition;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.WorkflowTrigger;
import io.scripttask.remediation.WorkflowTrigger.JobFailed;
import io.scripttask.remediation.WorkflowTrigger.MetricThreshold;
import io.scripttask.scheduler.InvalidCronExpressionException;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.ValidationException;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkflowTriggerTest {

  private static final Condition HOT = Condition.threshold("diskUsagePercent", Op.GT, 85);

  @Test
  void aMetricTriggerClearsByDefaultWhenItsFireConditionNoLongerHolds() {
    MetricThreshold t = WorkflowTrigger.metric(HOT);

    assertThat(t.clear()).isEqualTo(Condition.not(HOT));
    assertThat(t.hasDefaultClear()).isTrue();
    assertThat(t.m()).isEqualTo(1);
    assertThat(t.n()).isEqualTo(1);
  }

  @Test
  void aMetricTriggerKeepsAnExplicitClearConditionForHysteresis() {
    Condition cool = Condition.threshold("diskUsagePercent", Op.LT, 75);
    MetricThreshold t = WorkflowTrigger.metric(HOT).clearWhen(cool).samples(3, 5);

    assertThat(t.clear()).isEqualTo(cool);
    assertThat(t.hasDefaultClear()).isFalse();
    assertThat(t.m()).isEqualTo(3);
    assertThat(t.n()).isEqualTo(5);
  }

  @Test
  void aMetricTriggerNeedsMAtMostNAndBothInRange() {
    assertThatThrownBy(() -> WorkflowTrigger.metric(HOT).samples(4, 3))
        .isInstanceOf(ValidationException.class)
        .hasMessage("m must be at most n (3), but was 4");
    assertThatThrownBy(() -> WorkflowTrigger.metric(HOT).samples(0, 3))
        .hasMessage("m must be at least 1, but was 0");
    assertThatThrownBy(() -> WorkflowTrigger.metric(HOT).samples(1, 0))
        .hasMessage("n must be 1 to 1000, but was 0");
    assertThatThrownBy(() -> WorkflowTrigger.metric(HOT).samples(1, 1001))
        .hasMessage("n must be 1 to 1000, but was 1001");
  }

  @Test
  void aJobFailedTriggerMatchesFailedAndTimedOutJobsByDefault() {
    JobFailed any = WorkflowTrigger.jobFailed();
    JobFailed one = WorkflowTrigger.jobFailed("nightly-backup");

    assertThat(any.matches("whatever", JobStatus.FAILED)).isTrue();
    assertThat(any.matches("whatever", JobStatus.TIMED_OUT)).isTrue();
    assertThat(any.matches("whatever", JobStatus.CANCELLED)).isFalse();
    assertThat(one.matches("nightly-backup", JobStatus.FAILED)).isTrue();
    assertThat(one.matches("other", JobStatus.FAILED)).isFalse();
    assertThat(one.schedule()).contains("nightly-backup");
  }

  @Test
  void aJobFailedTriggerRejectsStatusesThatAreNotFailures() {
    assertThatThrownBy(() -> new JobFailed(null, Set.of(JobStatus.SUCCEEDED)))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("statuses must be final statuses other than SUCCEEDED");
    assertThatThrownBy(() -> new JobFailed(null, Set.of(JobStatus.RUNNING)))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> new JobFailed(null, Set.of()))
        .hasMessage("statuses must name at least one status, but was []");
    assertThatThrownBy(() -> new JobFailed(" ", JobFailed.DEFAULT_STATUSES))
        .hasMessage("scheduleId must not be blank, but was \" \"");
  }

  @Test
  void aCronTriggerIsCheckedWithTheSchedulersCronParser() {
    WorkflowTrigger.CronTrigger t =
        WorkflowTrigger.cron("0 3 * * 1-5", ZoneId.of("Europe/Paris"), Target.groups("web"));

    assertThat(t.schedule().expression()).isEqualTo("0 3 * * 1-5");
    assertThatThrownBy(() -> WorkflowTrigger.cron("0 24 * * *", ZoneId.of("UTC"), Target.all()))
        .isInstanceOf(InvalidCronExpressionException.class)
        .hasMessageContaining("hour");
  }
}
