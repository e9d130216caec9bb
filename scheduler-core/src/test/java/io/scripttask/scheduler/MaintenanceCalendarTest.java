package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.MaintenanceWindow.Kind;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MaintenanceCalendarTest {

  static final ZoneId UTC = ZoneId.of("UTC");
  static final Set<String> NO_GROUPS = Set.of();

  static Instant t(String iso) {
    return Instant.parse(iso);
  }

  static MaintenanceWindow blackout(
      String id, String cron, Duration duration, Priority... allowed) {
    return MaintenanceWindow.builder(id)
        .cron(cron)
        .zone(UTC)
        .duration(duration)
        .allowedPriorities(allowed)
        .build();
  }

  static MaintenanceWindow allow(String id, String cron, Duration duration, Priority... allowed) {
    return MaintenanceWindow.builder(id)
        .cron(cron)
        .zone(UTC)
        .duration(duration)
        .kind(Kind.ALLOW)
        .allowedPriorities(allowed)
        .build();
  }

  /** 02:00-04:00 UTC every night; critical jobs go through. */
  static final MaintenanceWindow NIGHTLY =
      blackout("nightly", "0 2 * * *", Duration.ofHours(2), Priority.CRITICAL);

  @Nested
  class Admission {

    @Test
    void anEmptyCalendarAdmitsEverything() {
      MaintenanceCalendar calendar = MaintenanceCalendar.empty();

      assertThat(calendar.admits(Priority.LOW, t("2025-06-10T03:00:00Z"), "n1", NO_GROUPS))
          .isTrue();
      assertThat(calendar.nextAdmission(Priority.LOW, t("2025-06-10T03:00:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T03:00:00Z"));
    }

    @Test
    void anOpenBlackoutHoldsJobsItDoesNotAllow() {
      MaintenanceCalendar calendar = MaintenanceCalendar.of(NIGHTLY);

      assertThat(calendar.admits(Priority.NORMAL, t("2025-06-10T03:00:00Z"), "n1", NO_GROUPS))
          .isFalse();
      assertThat(calendar.admits(Priority.CRITICAL, t("2025-06-10T03:00:00Z"), "n1", NO_GROUPS))
          .isTrue();
      assertThat(calendar.admits(Priority.NORMAL, t("2025-06-10T04:00:00Z"), "n1", NO_GROUPS))
          .isTrue();
    }

    @Test
    void anyOpenBlackoutThatDoesNotAllowThePriorityHoldsTheJob() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              NIGHTLY, blackout("patching", "0 3 * * *", Duration.ofHours(1), Priority.HIGH));

      Instant both = t("2025-06-10T03:30:00Z");
      assertThat(calendar.admits(Priority.CRITICAL, both, "n1", NO_GROUPS)).isFalse();
      assertThat(calendar.admits(Priority.HIGH, both, "n1", NO_GROUPS)).isFalse();
      assertThat(calendar.admits(Priority.CRITICAL, t("2025-06-10T02:30:00Z"), "n1", NO_GROUPS))
          .isTrue();
    }

    @Test
    void allowWindowsAdmitOnlyWhileOneOfThemIsOpen() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              allow("evening", "0 22 * * *", Duration.ofHours(1)),
              allow("morning", "0 6 * * *", Duration.ofHours(1)));

      assertThat(calendar.admits(Priority.NORMAL, t("2025-06-10T22:30:00Z"), "n1", NO_GROUPS))
          .isTrue();
      assertThat(calendar.admits(Priority.NORMAL, t("2025-06-10T06:30:00Z"), "n1", NO_GROUPS))
          .isTrue();
      assertThat(calendar.admits(Priority.CRITICAL, t("2025-06-10T12:00:00Z"), "n1", NO_GROUPS))
          .isFalse();
    }

    @Test
    void anAllowWindowsAllowedPrioritiesRunOutsideEveryAllowWindow() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              allow("evening", "0 22 * * *", Duration.ofHours(1), Priority.CRITICAL),
              allow("morning", "0 6 * * *", Duration.ofHours(1)));

      assertThat(calendar.admits(Priority.CRITICAL, t("2025-06-10T12:00:00Z"), "n1", NO_GROUPS))
          .isTrue();
      assertThat(
              calendar.nextAdmission(Priority.CRITICAL, t("2025-06-10T12:00:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T12:00:00Z"));
      assertThat(calendar.admits(Priority.HIGH, t("2025-06-10T12:00:00Z"), "n1", NO_GROUPS))
          .isFalse();
    }

    @Test
    void onlyWindowsWhoseScopeAppliesCount() {
      MaintenanceWindow dbBlackout = NIGHTLY.toBuilder().scope(WindowScope.groups("db")).build();
      MaintenanceWindow webAllow =
          allow("web-hours", "0 22 * * *", Duration.ofHours(1)).toBuilder()
              .scope(WindowScope.nodes("web-1"))
              .build();
      MaintenanceCalendar calendar = MaintenanceCalendar.of(dbBlackout, webAllow);
      Instant night = t("2025-06-10T03:00:00Z");

      assertThat(calendar.admits(Priority.NORMAL, night, "db-1", Set.of("db", "linux"))).isFalse();
      assertThat(calendar.admits(Priority.NORMAL, night, "mail-1", Set.of("linux"))).isTrue();
      assertThat(calendar.admits(Priority.NORMAL, night, "web-1", Set.of("web"))).isFalse();
      assertThat(
              calendar.admits(Priority.NORMAL, t("2025-06-10T22:00:00Z"), "web-1", Set.of("web")))
          .isTrue();
    }

    @Test
    void disabledWindowsAreIgnored() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              NIGHTLY.toBuilder().enabled(false).build(),
              allow("evening", "0 22 * * *", Duration.ofHours(1)).toBuilder()
                  .enabled(false)
                  .build());

      assertThat(calendar.admits(Priority.LOW, t("2025-06-10T03:00:00Z"), "n1", NO_GROUPS))
          .isTrue();
      assertThat(calendar.isOpen(Kind.BLACKOUT, t("2025-06-10T03:00:00Z"))).isFalse();
    }
  }

  @Nested
  class NextAdmission {

    @Test
    void isTNowWhenTheJobIsAdmitted() {
      MaintenanceCalendar calendar = MaintenanceCalendar.of(NIGHTLY);

      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T01:00:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T01:00:00Z"));
      assertThat(
              calendar.nextAdmission(Priority.CRITICAL, t("2025-06-10T03:00:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T03:00:00Z"));
    }

    @Test
    void waitsForTheBlackoutToClose() {
      MaintenanceCalendar calendar = MaintenanceCalendar.of(NIGHTLY);

      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T02:00:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T04:00:00Z"));
      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T03:59:59Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T04:00:00Z"));
    }

    @Test
    void waitsForTheLastOfOverlappingBlackoutsToClose() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              NIGHTLY,
              blackout("late", "0 3 * * *", Duration.ofHours(2)),
              blackout("later", "30 4 * * *", Duration.ofHours(1)));

      // 02:00-04:00, 03:00-05:00, 04:30-05:30: held until 05:30
      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T02:30:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T05:30:00Z"));
    }

    @Test
    void waitsForAnAllowWindowToOpen() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(allow("evening", "0 22 * * *", Duration.ofHours(1)));

      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T12:00:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T22:00:00Z"));
      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T22:30:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T22:30:00Z"));
      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T23:00:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-11T22:00:00Z"));
    }

    @Test
    void isWhenABlackoutEndsInsideAnOpenAllowWindow() {
      // blackout 21:00-23:00, allow 22:00-01:00
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              blackout("backup", "0 21 * * *", Duration.ofHours(2)),
              allow("night", "0 22 * * *", Duration.ofHours(3)));

      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T21:30:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T23:00:00Z"));
      // from 20:00: the allow window opens at 22:00 into the blackout, which ends at 23:00
      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T20:00:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T23:00:00Z"));
    }

    @Test
    void isWhenAnAllowWindowOpensAfterTheBlackoutEnded() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(NIGHTLY, allow("early", "0 5 * * *", Duration.ofHours(1)));

      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T03:00:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T05:00:00Z"));
    }

    @Test
    void skipsAnAllowWindowThatLiesInsideABlackout() {
      // blackout 20:00-24:00; allow 21:00-22:00 (useless) and 06:00-07:00
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              blackout("evening-freeze", "0 20 * * *", Duration.ofHours(4)),
              allow("late", "0 21 * * *", Duration.ofHours(1)),
              allow("morning", "0 6 * * *", Duration.ofHours(1)));

      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T20:30:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-11T06:00:00Z"));
    }

    @Test
    void isEmptyWhenTheBlackoutNeverCloses() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              blackout("always", "0 * * * *", Duration.ofHours(1), Priority.CRITICAL));

      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T12:00:00Z"), "n1", NO_GROUPS))
          .isEmpty();
      assertThat(
              calendar.nextAdmission(Priority.CRITICAL, t("2025-06-10T12:00:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-06-10T12:00:00Z"));
    }

    @Test
    void isEmptyWhenTheAllowWindowNeverOpensAgain() {
      // Quartz with a year: the only opening was in 2020
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(allow("once", "0 0 2 1 1 ? 2020", Duration.ofHours(1)));

      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T12:00:00Z"), "n1", NO_GROUPS))
          .isEmpty();
    }

    @Test
    void ignoresBlackoutsOfOtherScopes() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(NIGHTLY.toBuilder().scope(WindowScope.nodes("db-1")).build());

      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T03:00:00Z"), "db-2", NO_GROUPS))
          .contains(t("2025-06-10T03:00:00Z"));
      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T03:00:00Z"), "db-1", NO_GROUPS))
          .contains(t("2025-06-10T04:00:00Z"));
    }

    @Test
    void followsAWindowAcrossASpringForwardGap() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              MaintenanceWindow.builder("berlin")
                  .cron("30 2 * * *")
                  .zone(ZoneId.of("Europe/Berlin"))
                  .duration(Duration.ofHours(1))
                  .build());

      // opens at 03:00 CEST (01:00Z) on 2025-03-30 and closes an hour later
      assertThat(
              calendar.nextAdmission(Priority.NORMAL, t("2025-03-30T01:15:00Z"), "n1", NO_GROUPS))
          .contains(t("2025-03-30T02:00:00Z"));
      assertThat(calendar.admits(Priority.NORMAL, t("2025-03-30T00:45:00Z"), "n1", NO_GROUPS))
          .isTrue();
    }
  }

  @Nested
  class Union {

    @Test
    void overlappingWindowsOfOneKindMerge() {
      // 01:00-03:00 and 02:00-04:00
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              blackout("a", "0 1 * * *", Duration.ofHours(2)),
              blackout("b", "0 2 * * *", Duration.ofHours(2)));

      assertThat(calendar.isOpen(Kind.BLACKOUT, t("2025-06-10T03:30:00Z"))).isTrue();
      assertThat(calendar.isOpen(Kind.BLACKOUT, t("2025-06-10T04:00:00Z"))).isFalse();
      assertThat(calendar.nextClosing(Kind.BLACKOUT, t("2025-06-10T01:30:00Z")))
          .contains(t("2025-06-10T04:00:00Z"));
      assertThat(calendar.nextClosing(Kind.BLACKOUT, t("2025-06-10T05:00:00Z")))
          .contains(t("2025-06-11T04:00:00Z"));
      assertThat(calendar.nextOpening(Kind.BLACKOUT, t("2025-06-10T00:00:00Z")))
          .contains(t("2025-06-10T01:00:00Z"));
      assertThat(calendar.nextOpening(Kind.BLACKOUT, t("2025-06-10T01:30:00Z")))
          .as("the union's interval containing t starts at 01:00; the next one starts tomorrow")
          .contains(t("2025-06-11T01:00:00Z"));
    }

    @Test
    void touchingWindowsMergeInAChain() {
      // 01:00-02:00, 01:30-02:30, 02:30-03:00
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              blackout("a", "0 1 * * *", Duration.ofHours(1)),
              blackout("b", "30 1 * * *", Duration.ofHours(1)),
              blackout("c", "30 2 * * *", Duration.ofMinutes(30)));

      assertThat(calendar.nextClosing(Kind.BLACKOUT, t("2025-06-10T01:10:00Z")))
          .contains(t("2025-06-10T03:00:00Z"));
      assertThat(calendar.isOpen(Kind.BLACKOUT, t("2025-06-10T02:30:00Z"))).isTrue();
    }

    @Test
    void windowsThatTogetherCoverAllTimeNeverClose() {
      // even hours and odd hours, one hour each: each closes, their union never does
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              blackout("even", "0 */2 * * *", Duration.ofHours(1)),
              blackout("odd", "0 1-23/2 * * *", Duration.ofHours(1)));

      assertThat(calendar.window("even").orElseThrow().nextClosing(t("2025-06-10T00:30:00Z")))
          .contains(t("2025-06-10T01:00:00Z"));
      assertThat(calendar.nextClosing(Kind.BLACKOUT, t("2025-06-10T00:30:00Z"))).isEmpty();
      assertThat(calendar.nextOpening(Kind.BLACKOUT, t("2025-06-10T00:30:00Z"))).isEmpty();
      assertThat(calendar.nextAdmission(Priority.NORMAL, t("2025-06-10T00:30:00Z"), "n", NO_GROUPS))
          .isEmpty();
    }

    @Test
    void considersOnlyEnabledWindowsOfTheKindAsked() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              blackout("a", "0 1 * * *", Duration.ofHours(1)),
              allow("b", "0 2 * * *", Duration.ofHours(1)),
              blackout("c", "0 2 * * *", Duration.ofHours(3)).toBuilder().enabled(false).build());

      assertThat(calendar.nextClosing(Kind.BLACKOUT, t("2025-06-10T01:30:00Z")))
          .contains(t("2025-06-10T02:00:00Z"));
      assertThat(calendar.isOpen(Kind.ALLOW, t("2025-06-10T01:30:00Z"))).isFalse();
      assertThat(calendar.nextOpening(Kind.ALLOW, t("2025-06-10T01:30:00Z")))
          .contains(t("2025-06-10T02:00:00Z"));
      assertThat(calendar.nextClosing(Kind.ALLOW, t("2025-06-10T01:30:00Z")))
          .contains(t("2025-06-10T03:00:00Z"));
    }

    @Test
    void anEmptyUnionIsNeverOpen() {
      MaintenanceCalendar calendar = MaintenanceCalendar.of(NIGHTLY);

      assertThat(calendar.isOpen(Kind.ALLOW, t("2025-06-10T03:00:00Z"))).isFalse();
      assertThat(calendar.nextOpening(Kind.ALLOW, t("2025-06-10T03:00:00Z"))).isEmpty();
      assertThat(calendar.nextClosing(Kind.ALLOW, t("2025-06-10T03:00:00Z"))).isEmpty();
    }

    @Test
    void applicableToRestrictsTheUnionToOneNode() {
      MaintenanceCalendar calendar =
          MaintenanceCalendar.of(
              blackout("a", "0 1 * * *", Duration.ofHours(2)),
              blackout("b", "0 2 * * *", Duration.ofHours(2)).toBuilder()
                  .scope(WindowScope.groups("db"))
                  .build());

      assertThat(calendar.applicableTo("web-1", Set.of("web")).windows())
          .extracting(MaintenanceWindow::id)
          .containsExactly("a");
      assertThat(
              calendar
                  .applicableTo("web-1", Set.of("web"))
                  .nextClosing(Kind.BLACKOUT, t("2025-06-10T01:30:00Z")))
          .contains(t("2025-06-10T03:00:00Z"));
      assertThat(
              calendar
                  .applicableTo("db-1", Set.of("db"))
                  .nextClosing(Kind.BLACKOUT, t("2025-06-10T01:30:00Z")))
          .contains(t("2025-06-10T04:00:00Z"));
    }
  }

  @Nested
  class Contents {

    @Test
    void rejectsTwoWindowsWithTheSameId() {
      assertThatThrownBy(
              () -> MaintenanceCalendar.of(NIGHTLY, NIGHTLY.toBuilder().name("x").build()))
          .isInstanceOf(ValidationException.class)
          .hasMessage("windows must have unique ids, but was 'nightly' twice");
    }

    @Test
    void rejectsNulls() {
      assertThatThrownBy(() -> MaintenanceCalendar.of(NIGHTLY, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("windows");
      assertThatThrownBy(
              () ->
                  MaintenanceCalendar.of(NIGHTLY)
                      .admits(Priority.LOW, Instant.EPOCH, null, NO_GROUPS))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("nodeId");
      assertThatThrownBy(() -> MaintenanceCalendar.of(NIGHTLY).isOpen(null, Instant.EPOCH))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("kind");
    }

    @Test
    void withAddsOrReplacesByIdAndWithoutRemoves() {
      MaintenanceWindow other = blackout("other", "0 5 * * *", Duration.ofHours(1));
      MaintenanceWindow renamed = NIGHTLY.toBuilder().name("renamed").build();
      MaintenanceCalendar calendar = MaintenanceCalendar.of(NIGHTLY);

      MaintenanceCalendar added = calendar.with(other);
      MaintenanceCalendar replaced = added.with(renamed);

      assertThat(calendar.windows()).containsExactly(NIGHTLY);
      assertThat(added.windows()).containsExactly(NIGHTLY, other);
      assertThat(replaced.windows()).containsExactly(renamed, other);
      assertThat(replaced.without("nightly").windows()).containsExactly(other);
      assertThat(replaced.without("missing")).isSameAs(replaced);
      assertThat(replaced.window("nightly")).contains(renamed);
      assertThat(replaced.window("missing")).isEmpty();
      assertThat(MaintenanceCalendar.of(List.of(NIGHTLY))).isEqualTo(calendar);
      assertThatThrownBy(() -> calendar.windows().add(other))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }
}
