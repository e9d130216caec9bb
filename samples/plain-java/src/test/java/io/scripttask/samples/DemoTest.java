package io.scripttask.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DemoTest {

  private static String runAt(String instant) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    new Demo(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC), out).run();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsNextFiresInEachSchedulesOwnZone() {
    // 2026-03-10T00:30Z is Monday 20:30 EDT in New York (DST began 2026-03-08) and 00:30 GMT in London.
    String out = runAt("2026-03-10T00:30:00Z");

    assertThat(out).contains("next: Tue 2026-03-10 02:30:00 -04:00 [America/New_York]");
    // second Tuesday of March 2026 is the 10th
    assertThat(out).contains("next: Tue 2026-03-10 03:00:00 +00:00 [Europe/London]");
    // the 31st clamps to the last day of a shorter month: April has 30 days
    assertThat(out).contains("next: Tue 2026-03-31 23:00:00 +00:00 [UTC]");
    assertThat(out).contains("next: Thu 2026-04-30 23:00:00 +00:00 [UTC]");
  }

  @Test
  void holdsNormalJobsInsideTheBlackoutAndLetsCriticalThrough() {
    // 01:30 in Berlin (CET, +01:00): inside the 01:00-04:00 blackout of group "databases"
    String out = runAt("2026-03-10T00:30:00Z");

    assertThat(out).contains("nightly-blackout (BLACKOUT").contains("OPEN, closes 2026-03-10T03:00:00Z");
    assertThat(out).contains("a CRITICAL job on db-1 (group databases) may run now");
    assertThat(out).contains("a NORMAL job on db-1 (group databases) is held until 2026-03-10T03:00:00Z");
  }

  @Test
  void reportsClosedWindowsWithTheirNextOpening() {
    // 12:00 UTC on a Tuesday: both windows closed; the weekend window opens Saturday 22:00 EDT
    String out = runAt("2026-03-10T12:00:00Z");

    assertThat(out).contains("weekend-patching (ALLOW").contains("closed, opens 2026-03-15T02:00:00Z");
    assertThat(out).contains("a NORMAL job on db-1 (group databases) may run now");
  }
}
