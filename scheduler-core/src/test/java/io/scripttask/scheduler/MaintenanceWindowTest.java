package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.MaintenanceWindow.Kind;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MaintenanceWindowTest {

  static final ZoneId UTC = ZoneId.of("UTC");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  static Instant t(String iso) {
    return Instant.parse(iso);
  }

  static MaintenanceWindow window(String cron, ZoneId zone, Duration duration) {
    return MaintenanceWindow.builder("w").cron(cron).zone(zone).duration(duration).build();
  }

  @Nested
  class OpeningAndClosing {

    // the MeshCentral example: "0 2 * * *" in America/New_York for 7200 seconds; June is EDT (-4)
    final MaintenanceWindow nightly = window("0 2 * * *", NEW_YORK, Duration.ofHours(2));

    @Test
    void isOpenFromEachOpeningForItsDurationOnly() {
      assertThat(nightly.isOpen(t("2025-06-10T05:59:59Z"))).isFalse();
      assertThat(nightly.isOpen(t("2025-06-10T06:00:00Z"))).isTrue();
      assertThat(nightly.isOpen(t("2025-06-10T07:59:59.999999999Z"))).isTrue();
      assertThat(nightly.isOpen(t("2025-06-10T08:00:00Z"))).isFalse();
      assertThat(nightly.isOpen(t("2025-06-10T20:00:00Z"))).isFalse();
    }

    @Test
    void nextClosingIsTheEndOfTheOpeningContainingTOrOfTheNextOne() {
      assertThat(nightly.nextClosing(t("2025-06-10T07:00:00Z")))
          .contains(t("2025-06-10T08:00:00Z"));
      assertThat(nightly.nextClosing(t("2025-06-10T06:00:00Z")))
          .contains(t("2025-06-10T08:00:00Z"));
      assertThat(nightly.nextClosing(t("2025-06-10T05:00:00Z")))
          .contains(t("2025-06-10T08:00:00Z"));
      assertThat(nightly.nextClosing(t("2025-06-10T08:00:00Z")))
          .contains(t("2025-06-11T08:00:00Z"));
    }

    @Test
    void nextOpeningIsStrictlyAfterTAndSkipsTheIntervalContainingT() {
      assertThat(nightly.nextOpening(t("2025-06-10T05:00:00Z")))
          .contains(t("2025-06-10T06:00:00Z"));
      assertThat(nightly.nextOpening(t("2025-06-10T06:00:00Z")))
          .contains(t("2025-06-11T06:00:00Z"));
      assertThat(nightly.nextOpening(t("2025-06-10T07:00:00Z")))
          .contains(t("2025-06-11T06:00:00Z"));
      assertThat(nightly.nextOpening(t("2025-06-10T08:00:00Z")))
          .contains(t("2025-06-11T06:00:00Z"));
    }

    @Test
    void opensAtTheCronsFireTimesInTheWindowsZone() {
      assertThat(nightly.opening()).isEqualTo(new CronTrigger(nightly.cron(), NEW_YORK));
      // January is EST (-5)
      assertThat(nightly.nextOpening(t("2025-01-15T00:00:00Z")))
          .contains(t("2025-01-15T07:00:00Z"));
    }
  }

  @Nested
  class Merging {

    @Test
    void overlappingOpeningsMergeIntoOneInterval() {
      // openings at 00:00, 01:00 and 02:00 for 90 minutes each: open 00:00-03:30
      MaintenanceWindow w = window("0 0,1,2 * * *", UTC, Duration.ofMinutes(90));

      assertThat(w.isOpen(t("2025-06-10T03:00:00Z"))).isTrue();
      assertThat(w.isOpen(t("2025-06-10T03:30:00Z"))).isFalse();
      assertThat(w.nextClosing(t("2025-06-10T00:10:00Z"))).contains(t("2025-06-10T03:30:00Z"));
      assertThat(w.nextClosing(t("2025-06-10T02:45:00Z"))).contains(t("2025-06-10T03:30:00Z"));
      assertThat(w.nextOpening(t("2025-06-10T01:00:00Z"))).contains(t("2025-06-11T00:00:00Z"));
      assertThat(w.nextOpening(t("2025-06-10T03:30:00Z"))).contains(t("2025-06-11T00:00:00Z"));
    }

    @Test
    void touchingOpeningsMergeIntoOneInterval() {
      MaintenanceWindow w = window("0 0,1 * * *", UTC, Duration.ofHours(1));

      assertThat(w.isOpen(t("2025-06-10T01:00:00Z"))).isTrue();
      assertThat(w.isOpen(t("2025-06-10T02:00:00Z"))).isFalse();
      assertThat(w.nextClosing(t("2025-06-10T00:30:00Z"))).contains(t("2025-06-10T02:00:00Z"));
      assertThat(w.nextOpening(t("2025-06-10T00:30:00Z"))).contains(t("2025-06-11T00:00:00Z"));
    }

    @Test
    void aWindowLongerThanItsPeriodMergesOverManyOpenings() {
      // Monday to Friday at 00:00 for 25 hours: open from Monday 00:00 to Saturday 01:00
      MaintenanceWindow w = window("0 0 * * MON-FRI", UTC, Duration.ofHours(25));

      assertThat(w.nextClosing(t("2025-06-10T12:00:00Z"))).contains(t("2025-06-14T01:00:00Z"));
      assertThat(w.isOpen(t("2025-06-14T00:30:00Z"))).isTrue();
      assertThat(w.isOpen(t("2025-06-14T01:00:00Z"))).isFalse();
      assertThat(w.nextOpening(t("2025-06-10T12:00:00Z"))).contains(t("2025-06-16T00:00:00Z"));
      assertThat(w.nextClosing(t("2025-06-14T12:00:00Z"))).contains(t("2025-06-21T01:00:00Z"));
    }

    @Test
    void aWindowWhoseOpeningsAlwaysTouchNeverCloses() {
      MaintenanceWindow everyTwoHours = window("0 */2 * * *", UTC, Duration.ofHours(2));

      assertThat(everyTwoHours.isOpen(t("2025-06-10T13:59:59Z"))).isTrue();
      assertThat(everyTwoHours.nextClosing(t("2025-06-10T12:00:00Z"))).isEmpty();
      assertThat(everyTwoHours.nextOpening(t("2025-06-10T12:00:00Z"))).isEmpty();
    }

    @Test
    void aWindowLongerThanItsPeriodNeverCloses() {
      MaintenanceWindow w = window("0 * * * *", BERLIN, Duration.ofMinutes(61));

      assertThat(w.isOpen(t("2025-03-30T01:30:00Z"))).isTrue();
      assertThat(w.nextClosing(t("2025-06-10T12:00:00Z"))).isEmpty();
      assertThat(w.nextOpening(t("2025-06-10T12:00:00Z"))).isEmpty();
    }

    @Test
    void theSearchForTheEndOfAnEveryMinuteWindowIsBounded() {
      MaintenanceWindow w = window("* * * * *", UTC, Duration.ofMinutes(2));

      assertThat(w.nextClosing(t("2025-06-10T12:00:30Z"))).isEmpty();
      assertThat(w.nextOpening(t("2025-06-10T12:00:30Z"))).isEmpty();
    }

    @Test
    void anOpeningAsLongAsTheHorizonCloses() {
      // Quartz, one opening only: 2025-01-01 for 366 days
      MaintenanceWindow w = window("0 0 0 1 1 ? 2025", UTC, MaintenanceWindow.MAX_DURATION);

      assertThat(w.nextClosing(t("2025-06-01T00:00:00Z"))).contains(t("2026-01-02T00:00:00Z"));
      assertThat(w.nextOpening(t("2025-06-01T00:00:00Z"))).isEmpty();
    }

    @Test
    void aMergedIntervalIsFollowedForTheSearchHorizonFromTheOpeningTheSearchStartsAt() {
      // 2025-01-01 and 2025-07-01, 200 days each: merged, open until 2026-01-17
      MaintenanceWindow w = window("0 0 0 1 1,7 ? 2025", UTC, Duration.ofDays(200));

      assertThat(w.isOpen(t("2026-01-16T23:59:59Z"))).isTrue();
      assertThat(w.isOpen(t("2026-01-17T00:00:00Z"))).isFalse();
      // from March the search starts at the January opening: 2026-01-17 is past its horizon
      assertThat(w.nextClosing(t("2025-03-01T00:00:00Z"))).isEmpty();
      // from August it starts at the July opening
      assertThat(w.nextClosing(t("2025-08-01T00:00:00Z"))).contains(t("2026-01-17T00:00:00Z"));
    }
  }

  @Nested
  class DaylightSaving {

    @Test
    void aFixedTimeOpeningInASpringForwardGapOpensAtTheEndOfTheGap() {
      MaintenanceWindow berlin = window("30 2 * * *", BERLIN, Duration.ofHours(1));

      assertThat(berlin.nextOpening(t("2025-03-29T12:00:00Z"))).contains(t("2025-03-30T01:00:00Z"));
      assertThat(berlin.nextClosing(t("2025-03-29T12:00:00Z"))).contains(t("2025-03-30T02:00:00Z"));
      assertThat(berlin.isOpen(t("2025-03-30T00:45:00Z"))).isFalse();
      assertThat(berlin.isOpen(t("2025-03-30T01:30:00Z"))).isTrue();

      MaintenanceWindow newYork = window("0 2 * * *", NEW_YORK, Duration.ofHours(2));

      assertThat(newYork.nextOpening(t("2025-03-08T12:00:00Z")))
          .contains(t("2025-03-09T07:00:00Z"));
      assertThat(newYork.nextClosing(t("2025-03-09T07:00:00Z")))
          .contains(t("2025-03-09T09:00:00Z"));
      assertThat(newYork.isOpen(t("2025-03-09T06:59:59Z"))).isFalse();
    }

    @Test
    void durationIsElapsedTimeAcrossATransition() {
      // opens 01:00 CET (00:00Z); two elapsed hours later it is 04:00 CEST
      MaintenanceWindow w = window("0 1 * * *", BERLIN, Duration.ofHours(2));

      assertThat(w.nextClosing(t("2025-03-30T00:30:00Z"))).contains(t("2025-03-30T02:00:00Z"));
      assertThat(w.isOpen(t("2025-03-30T01:59:59Z"))).isTrue();
    }

    @Test
    void aFixedTimeOpeningInAFallBackOverlapOpensOnce() {
      MaintenanceWindow berlin = window("30 2 * * *", BERLIN, Duration.ofHours(1));

      // 02:30 CEST = 00:30Z opens; 02:30 CET = 01:30Z does not
      assertThat(berlin.nextOpening(t("2025-10-25T12:00:00Z"))).contains(t("2025-10-26T00:30:00Z"));
      assertThat(berlin.isOpen(t("2025-10-26T01:29:59Z"))).isTrue();
      assertThat(berlin.isOpen(t("2025-10-26T01:45:00Z"))).isFalse();
      assertThat(berlin.nextOpening(t("2025-10-26T00:45:00Z"))).contains(t("2025-10-27T01:30:00Z"));

      MaintenanceWindow newYork = window("30 1 * * *", NEW_YORK, Duration.ofHours(1));

      assertThat(newYork.nextOpening(t("2025-11-02T00:00:00Z")))
          .contains(t("2025-11-02T05:30:00Z"));
      assertThat(newYork.isOpen(t("2025-11-02T06:30:00Z"))).isFalse();
      assertThat(newYork.isOpen(t("2025-11-02T06:45:00Z"))).isFalse();
      assertThat(newYork.nextOpening(t("2025-11-02T06:00:00Z")))
          .contains(t("2025-11-03T06:30:00Z"));
    }

    @Test
    void aWildcardHourOpeningOpensInBothHalvesOfAnOverlap() {
      MaintenanceWindow w = window("0 * * * *", BERLIN, Duration.ofMinutes(30));

      // 02:00 CEST (00:00Z) and 02:00 CET (01:00Z) both open
      assertThat(w.isOpen(t("2025-10-26T00:15:00Z"))).isTrue();
      assertThat(w.isOpen(t("2025-10-26T00:45:00Z"))).isFalse();
      assertThat(w.isOpen(t("2025-10-26T01:15:00Z"))).isTrue();
      assertThat(w.nextOpening(t("2025-10-26T00:15:00Z"))).contains(t("2025-10-26T01:00:00Z"));
    }
  }

  @Nested
  class Admission {

    final MaintenanceWindow blackout =
        MaintenanceWindow.builder("nightly")
            .cron("0 2 * * *")
            .zone(UTC)
            .duration(Duration.ofHours(2))
            .allowedPriorities(Priority.CRITICAL)
            .build();

    final MaintenanceWindow allow =
        MaintenanceWindow.builder("evening")
            .cron("0 22 * * *")
            .zone(UTC)
            .duration(Duration.ofHours(1))
            .kind(Kind.ALLOW)
            .build();

    @Test
    void anOpenBlackoutAdmitsOnlyItsAllowedPriorities() {
      Instant inside = t("2025-06-10T03:00:00Z");

      assertThat(blackout.admits(Priority.CRITICAL, inside)).isTrue();
      assertThat(blackout.admits(Priority.HIGH, inside)).isFalse();
      assertThat(blackout.admits(Priority.NORMAL, inside)).isFalse();
      assertThat(blackout.admits(Priority.LOW, inside)).isFalse();
    }

    @Test
    void aClosedBlackoutAdmitsEverything() {
      for (Priority priority : Priority.values()) {
        assertThat(blackout.admits(priority, t("2025-06-10T04:00:00Z"))).isTrue();
      }
    }

    @Test
    void anAllowWindowAdmitsOnlyWhileOpen() {
      assertThat(allow.admits(Priority.NORMAL, t("2025-06-10T22:30:00Z"))).isTrue();
      assertThat(allow.admits(Priority.CRITICAL, t("2025-06-10T23:00:00Z"))).isFalse();
    }

    @Test
    void anAllowWindowsAllowedPrioritiesRunAtAnyTime() {
      MaintenanceWindow w = allow.toBuilder().allowedPriorities(Priority.CRITICAL).build();

      assertThat(w.admits(Priority.CRITICAL, t("2025-06-10T12:00:00Z"))).isTrue();
      assertThat(w.admits(Priority.HIGH, t("2025-06-10T12:00:00Z"))).isFalse();
    }

    @Test
    void aDisabledWindowIsNeverOpenAndAdmitsEverything() {
      MaintenanceWindow disabledBlackout = blackout.toBuilder().enabled(false).build();
      MaintenanceWindow disabledAllow = allow.toBuilder().enabled(false).build();
      Instant inside = t("2025-06-10T03:00:00Z");

      assertThat(disabledBlackout.isOpen(inside)).isFalse();
      assertThat(disabledBlackout.admits(Priority.LOW, inside)).isTrue();
      assertThat(disabledBlackout.nextOpening(inside)).isEmpty();
      assertThat(disabledBlackout.nextClosing(inside)).isEmpty();
      assertThat(disabledAllow.admits(Priority.LOW, t("2025-06-10T12:00:00Z"))).isTrue();
    }
  }

  @Nested
  class Building {

    @Test
    void defaultsToAGlobalEnabledBlackoutWithoutAllowedPriorities() {
      MaintenanceWindow w = window("0 2 * * *", UTC, Duration.ofHours(2));

      assertThat(w.id()).isEqualTo("w");
      assertThat(w.name()).isEmpty();
      assertThat(w.kind()).isEqualTo(Kind.BLACKOUT).isEqualTo(MaintenanceWindow.DEFAULT_KIND);
      assertThat(w.scope()).isEqualTo(WindowScope.global());
      assertThat(w.enabled()).isTrue();
      assertThat(w.allowedPriorities()).isEmpty();
      assertThat(w.duration()).isEqualTo(Duration.ofHours(2));
      assertThat(w.zone()).isEqualTo(UTC);
      assertThat(w.cron().expression()).isEqualTo("0 2 * * *");
    }

    @Test
    void takesTheMeshCentralFields() {
      MaintenanceWindow w =
          MaintenanceWindow.builder("mw-1")
              .name("Nightly Maintenance")
              .cron("0 2 * * *")
              .zone(NEW_YORK)
              .duration(Duration.ofSeconds(7200))
              .allowedPriorities(Priority.CRITICAL)
              .enabled(true)
              .scope(WindowScope.groups("web"))
              .build();

      assertThat(w.name()).contains("Nightly Maintenance");
      assertThat(w.allowedPriorities()).containsExactly(Priority.CRITICAL);
      assertThat(w.scope()).isEqualTo(WindowScope.groups("web"));
      assertThat(w.toString())
          .contains("id=mw-1", "name=Nightly Maintenance", "cron=0 2 * * *", "America/New_York");
    }

    @Test
    void openingSetsCronAndZoneFromATrigger() {
      CronTrigger trigger = Trigger.cron("0 3 * * SUN", BERLIN);
      MaintenanceWindow w =
          MaintenanceWindow.builder("w").opening(trigger).duration(Duration.ofHours(1)).build();

      assertThat(w.opening()).isEqualTo(trigger);
    }

    @Test
    void keepsAnUnmodifiableCopyOfTheAllowedPriorities() {
      Set<Priority> priorities = new HashSet<>(Set.of(Priority.CRITICAL));
      MaintenanceWindow.Builder builder =
          MaintenanceWindow.builder("w")
              .cron("0 2 * * *")
              .zone(UTC)
              .duration(Duration.ofHours(1))
              .allowedPriorities(priorities);
      MaintenanceWindow w = builder.build();
      priorities.add(Priority.HIGH);
      builder.allowedPriorities(Priority.LOW);

      assertThat(w.allowedPriorities()).containsExactly(Priority.CRITICAL);
      assertThatThrownBy(() -> w.allowedPriorities().add(Priority.LOW))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(builder.build().allowedPriorities()).containsExactly(Priority.LOW);
    }

    @Test
    void toBuilderCopiesEveryField() {
      MaintenanceWindow w =
          MaintenanceWindow.builder("w")
              .name("n")
              .cron("0 2 * * *")
              .zone(BERLIN)
              .duration(Duration.ofMinutes(45))
              .kind(Kind.ALLOW)
              .allowedPriorities(EnumSet.of(Priority.CRITICAL, Priority.HIGH))
              .scope(WindowScope.nodes("n1"))
              .enabled(false)
              .build();

      assertThat(w.toBuilder().build()).isEqualTo(w).hasSameHashCodeAs(w);
      assertThat(w.toBuilder().enabled(true).build()).isNotEqualTo(w);
      assertThat(w.toBuilder().cron("0 3 * * *").build()).isNotEqualTo(w);
    }

    @Test
    void rejectsADurationThatIsNotPositive() {
      MaintenanceWindow.Builder builder =
          MaintenanceWindow.builder("w").cron("0 2 * * *").zone(UTC);

      assertThatThrownBy(() -> builder.duration(Duration.ZERO).build())
          .isInstanceOf(ValidationException.class)
          .hasMessage("duration must be positive, but was PT0S");
      assertThatThrownBy(() -> builder.duration(Duration.ofMinutes(-5)).build())
          .isInstanceOf(ValidationException.class)
          .hasMessage("duration must be positive, but was PT-5M");
    }

    @Test
    void rejectsADurationLongerThanTheMaximum() {
      assertThatThrownBy(
              () ->
                  MaintenanceWindow.builder("w")
                      .cron("0 2 * * *")
                      .zone(UTC)
                      .duration(Duration.ofDays(367))
                      .build())
          .isInstanceOf(ValidationException.class)
          .hasMessage("duration must be at most 366 days, but was PT8808H");
    }

    @Test
    void rejectsMissingFields() {
      assertThatThrownBy(
              () -> MaintenanceWindow.builder("w").zone(UTC).duration(Duration.ofHours(1)).build())
          .isInstanceOf(ValidationException.class)
          .hasMessage("cron must be set, but was null");
      assertThatThrownBy(
              () ->
                  MaintenanceWindow.builder("w")
                      .cron("0 2 * * *")
                      .duration(Duration.ofHours(1))
                      .build())
          .isInstanceOf(ValidationException.class)
          .hasMessage("zone must be set, but was null");
      assertThatThrownBy(() -> MaintenanceWindow.builder("w").cron("0 2 * * *").zone(UTC).build())
          .isInstanceOf(ValidationException.class)
          .hasMessage("duration must be set, but was null");
    }

    @Test
    void rejectsABlankIdOrName() {
      assertThatThrownBy(() -> MaintenanceWindow.builder(" "))
          .isInstanceOf(ValidationException.class)
          .hasMessage("id must not be blank, but was \" \"");
      assertThatThrownBy(() -> MaintenanceWindow.builder("w").name(""))
          .isInstanceOf(ValidationException.class)
          .hasMessage("name must not be blank, but was \"\"");
      assertThatThrownBy(() -> MaintenanceWindow.builder(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("id");
    }

    @Test
    void rejectsAnInvalidCronExpression() {
      assertThatThrownBy(() -> MaintenanceWindow.builder("w").cron("0 24 * * *"))
          .isInstanceOf(InvalidCronExpressionException.class)
          .hasMessageContaining("hour");
    }

    @Test
    void rejectsNullsAtTheEdge() {
      MaintenanceWindow.Builder builder = MaintenanceWindow.builder("w");
      assertThatThrownBy(() -> builder.zone(null)).hasMessage("zone");
      assertThatThrownBy(() -> builder.kind(null)).hasMessage("kind");
      assertThatThrownBy(() -> builder.scope(null)).hasMessage("scope");
      assertThatThrownBy(() -> builder.allowedPriorities(Priority.LOW, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("priorities");
      MaintenanceWindow w = window("0 2 * * *", UTC, Duration.ofHours(1));
      assertThatThrownBy(() -> w.isOpen(null)).hasMessage("t");
      assertThatThrownBy(() -> w.admits(null, Instant.EPOCH)).hasMessage("priority");
    }
  }

  @Nested
  class Scopes {

    @Test
    void aGlobalScopeAppliesToEveryNode() {
      assertThat(WindowScope.global().appliesTo("n1", Set.of())).isTrue();
      assertThat(WindowScope.global().appliesTo("n2", Set.of("web"))).isTrue();
      assertThat(WindowScope.global().type()).isEqualTo(WindowScope.Type.GLOBAL);
      assertThat(WindowScope.global().ids()).isEmpty();
    }

    @Test
    void aGroupsScopeAppliesToNodesInOneOfItsGroups() {
      WindowScope scope = WindowScope.groups("web", "db");

      assertThat(scope.appliesTo("n1", Set.of("db"))).isTrue();
      assertThat(scope.appliesTo("n1", Set.of("mail", "web"))).isTrue();
      assertThat(scope.appliesTo("n1", Set.of("mail"))).isFalse();
      assertThat(scope.appliesTo("web", Set.of())).as("a node id is not a group id").isFalse();
    }

    @Test
    void aNodesScopeAppliesToItsNodesOnly() {
      WindowScope scope = WindowScope.nodes("n1", "n2");

      assertThat(scope.appliesTo("n1", Set.of())).isTrue();
      assertThat(scope.appliesTo("n3", Set.of("n1"))).as("a group id is not a node id").isFalse();
    }

    @Test
    void keepsAnUnmodifiableCopyOfTheIds() {
      Set<String> ids = new HashSet<>(Set.of("web"));
      WindowScope scope = WindowScope.groups(ids);
      ids.add("db");

      assertThat(scope.ids()).containsExactly("web");
      assertThatThrownBy(() -> scope.ids().add("db"))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(WindowScope.groups("web", "web")).isEqualTo(scope);
    }

    @Test
    void rejectsAScopeWithoutIdsOrWithBlankIds() {
      assertThatThrownBy(() -> WindowScope.groups())
          .isInstanceOf(ValidationException.class)
          .hasMessage("groups must not be empty, but was []");
      assertThatThrownBy(() -> WindowScope.nodes(" "))
          .isInstanceOf(ValidationException.class)
          .hasMessage("nodes must not contain a blank id, but was [ ]");
      assertThatThrownBy(() -> new WindowScope(WindowScope.Type.GLOBAL, Set.of("x")))
          .isInstanceOf(ValidationException.class)
          .hasMessage("ids must be empty for a global scope, but was [x]");
      assertThatThrownBy(() -> WindowScope.nodes("n1", null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("nodeIds");
      assertThatThrownBy(() -> WindowScope.global().appliesTo(null, Set.of()))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("nodeId");
    }
  }
}
