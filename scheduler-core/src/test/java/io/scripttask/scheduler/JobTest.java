package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.spi.CapturedOutput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class JobTest {

  private static final Instant T0 = Instant.parse("2030-01-07T00:00:00Z");

  private static Job.Builder queued() {
    return Job.builder("j1", "s", new FireKey("s", T0, "n1")).script("sc", "hash").sequence(3);
  }

  @Test
  void groupsAreKeptSortedWithoutDuplicatesAndCannotBeChanged() {
    Job j = queued().groups(Arrays.asList("web", "db", "web", "api")).build();
    assertThat(j.groups()).containsExactly("api", "db", "web");
    assertThat(j.groups()).isEqualTo(Set.of("web", "api", "db"));
    assertThat(j.groups().hashCode()).isEqualTo(Set.of("web", "api", "db").hashCode());
    assertThat(j.groups().contains("db")).isTrue();
    assertThat(j.groups().contains("x")).isFalse();
    assertThat(j.groups().toString()).isEqualTo("[api, db, web]");
    assertThatThrownBy(() -> j.groups().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> j.groups().iterator().remove())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(queued().groups(List.of("one")).build().groups()).containsExactly("one");
    assertThat(queued().build().groups()).isEmpty();
  }

  @Test
  void groupsAreCopiedFromTheCallersSet() {
    Set<String> mutable = new LinkedHashSet<>(List.of("b", "a"));
    Job j = queued().groups(mutable).build();
    mutable.add("c");
    assertThat(j.groups()).containsExactly("a", "b");
    TreeSet<String> one = new TreeSet<>(List.of("only"));
    Job k = queued().groups(one).build();
    one.clear();
    assertThat(k.groups()).containsExactly("only");
    assertThatThrownBy(() -> queued().groups(new ArrayList<>(Arrays.asList("a", null))).build())
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void copiesShareTheGroupsOfTheJobTheyCopy() {
    Job j = queued().groups(Set.of("z", "y", "x")).build();
    assertThat(j.toBuilder().build().groups()).isSameAs(j.groups());
    assertThat(j.withVersion(4).groups()).isSameAs(j.groups());
    assertThat(j.running(T0, "i", 1).groups()).isSameAs(j.groups());
  }

  @Test
  void withVersionChangesOnlyTheVersion() {
    Job j = queued().groups(Set.of("g")).build();
    Job v7 = j.withVersion(7);
    assertThat(v7.version()).isEqualTo(7);
    assertThat(v7.toBuilder().version(0).build()).isEqualTo(j);
    assertThat(j.withVersion(0)).isSameAs(j);
    assertThatThrownBy(() -> j.withVersion(-1)).isInstanceOf(ValidationException.class);
  }

  @Test
  void transitionHelpersGiveWhatTheBuilderGives() {
    Job q = queued().groups(Set.of("g")).version(2).build();
    assertThat(q.running(T0, "inst", 9))
        .isEqualTo(
            q.toBuilder()
                .status(JobStatus.RUNNING)
                .startedAt(T0)
                .owner("inst")
                .fencingToken(9)
                .detail(null)
                .build());
    Job w = q.waiting(WaitReason.NODE_LIMIT, "full");
    assertThat(w).isEqualTo(q.toBuilder().waitReason(WaitReason.NODE_LIMIT).detail("full").build());
    assertThat(w.skipped(SkipReason.OVERLAP, "busy", T0))
        .isEqualTo(
            q.toBuilder()
                .skipReason(SkipReason.OVERLAP)
                .detail("busy")
                .finishedAt(T0)
                .owner(null)
                .build());
    Job r = q.toBuilder().maxAttempts(3).build().running(T0, "inst", 9);
    CapturedOutput out = new CapturedOutput("ok", false, 2);
    assertThat(r.finished(JobStatus.FAILED, 1, out, CapturedOutput.EMPTY, T0.plusSeconds(1)))
        .isEqualTo(
            r.toBuilder()
                .status(JobStatus.FAILED)
                .exitCode(1)
                .stdout(out)
                .finishedAt(T0.plusSeconds(1))
                .build());
    assertThat(r.retryAt(T0.plusSeconds(30)))
        .isEqualTo(
            r.toBuilder()
                .attempt(2)
                .status(JobStatus.QUEUED)
                .nextAttemptAt(T0.plusSeconds(30))
                .startedAt(null)
                .owner(null)
                .build());
  }

  @Test
  void aFireJobIsTriggeredByItsScheduleUnlessToldOtherwise() {
    assertThat(queued().build().triggeredBy()).isEqualTo(TriggeredBy.schedule("s"));
    TriggeredBy user = TriggeredBy.user("alice");
    assertThat(queued().triggeredBy(user).build().triggeredBy()).isEqualTo(user);
    assertThatThrownBy(() -> queued().triggeredBy(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("triggeredBy");
  }
}
