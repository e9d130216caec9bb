package io.scripttask.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.ValidationException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

class DemoTest {

  private static String runAt(String instant) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    new Demo(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC), out).run();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsNextFiresInEachSchedulesOwnZone() {
    // 2026-03-10T00:30Z is Monday 20:30 EDT in New York (DST began 2026-03-08) and 00:30 GMT in
    // London.
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

    assertThat(out)
        .contains("nightly-blackout (BLACKOUT")
        .contains("OPEN, closes 2026-03-10T03:00:00Z");
    assertThat(out).contains("a CRITICAL job on db-1 (group databases) may run now");
    assertThat(out)
        .contains("a NORMAL job on db-1 (group databases) is held until 2026-03-10T03:00:00Z");
  }

  @Test
  void reportsClosedWindowsWithTheirNextOpening() {
    // 12:00 UTC on a Tuesday: both windows closed; the weekend window opens Saturday 22:00 EDT
    String out = runAt("2026-03-10T12:00:00Z");

    assertThat(out)
        .contains("weekend-patching (ALLOW")
        .contains("closed, opens 2026-03-15T02:00:00Z");
    assertThat(out).contains("a NORMAL job on db-1 (group databases) may run now");
  }

  @Test
  void refusesANonPositiveEngineRun() {
    Demo demo = new Demo(Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()));

    assertThatThrownBy(() -> demo.runEngine(Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessage("runFor must be positive, but was PT0S");
    assertThatThrownBy(() -> demo.runEngine(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("runFor");
  }

  /**
   * Runs the engine part once, for {@link #RUN_FOR} on the real clock with real processes, and
   * checks what it printed. Every check reads the event lines in the order they were printed
   * (events are delivered in order, on the engine thread), never timing.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @DisabledOnOs(OS.WINDOWS)
  class EngineRun {
    static final Duration RUN_FOR = Duration.ofSeconds(8);

    private static final Pattern JOB_LINE =
        Pattern.compile(
            "^\\s*([+-]\\d+\\.\\d{3})s "
                + " (\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(job-\\d+)\\s+(\\S+)\\s*(.*)$");
    private static final Set<String> ENDED =
        Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED");

    /** One printed job line. */
    record Line(
        int index,
        String schedule,
        String node,
        String priority,
        String job,
        String status,
        String details) {}

    String output;
    List<String> lines;
    List<Line> jobLines;
    long elapsedNanos;

    @BeforeAll
    void runTheEngine() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      new Demo(Clock.systemUTC(), out).runEngine(RUN_FOR);
      elapsedNanos = System.nanoTime() - t0;
      output = bytes.toString(StandardCharsets.UTF_8);
      lines = output.lines().toList();
      jobLines = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = JOB_LINE.matcher(lines.get(i));
        if (m.matches()) {
          jobLines.add(
              new Line(i, m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7)));
        }
      }
    }

    private int indexOf(String suffix) {
      return IntStream.range(0, lines.size())
          .filter(i -> lines.get(i).endsWith(suffix))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no line ending with " + suffix + "\n" + output));
    }

    private List<Line> where(String schedule, String node, String status) {
      return jobLines.stream()
          .filter(l -> l.schedule().equals(schedule))
          .filter(l -> node == null || l.node().equals(node))
          .filter(l -> l.status().equals(status))
          .toList();
    }

    @Test
    void runsCriticalJobsOnDb1DuringTheBlackoutAndHoldsNormalOnesUntilItCloses() {
      int opened = indexOf("window db-blackout OPENED");
      int closed = indexOf("window db-blackout CLOSED");
      assertThat(opened).isLessThan(closed);

      List<Line> criticalInBlackout =
          where("db-health", "db-1", "RUNNING").stream()
              .filter(l -> l.index() > opened && l.index() < closed)
              .toList();
      assertThat(criticalInBlackout).as(output).isNotEmpty();
      assertThat(criticalInBlackout).allMatch(l -> l.priority().equals("CRITICAL"));

      List<Line> held =
          jobLines.stream()
              .filter(l -> l.node().equals("db-1") && l.status().equals("WAITING"))
              .filter(l -> l.details().startsWith("MAINTENANCE_WINDOW"))
              .toList();
      assertThat(held).as(output).isNotEmpty();
      for (Line h : held) {
        assertThat(h.priority()).isEqualTo("NORMAL");
        assertThat(h.index()).isLessThan(closed);
        Line ran =
            jobLines.stream()
                .filter(l -> l.job().equals(h.job()) && l.status().equals("RUNNING"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(h.job() + " never ran\n" + output));
        assertThat(ran.index()).as(output).isGreaterThan(closed);
        assertThat(
                jobLines.stream()
                    .filter(l -> l.job().equals(h.job()) && l.index() > ran.index())
                    .map(Line::status))
            .as(output)
            .contains("SUCCEEDED");
      }
      // and nothing but CRITICAL started on db-1 while the window was open
      assertThat(
              jobLines.stream()
                  .filter(l -> l.node().equals("db-1") && l.status().equals("RUNNING"))
                  .filter(l -> l.index() > opened && l.index() < closed)
                  .map(Line::priority))
          .containsOnly("CRITICAL");
    }

    @Test
    void runsTheDependentJobOnANodeOnlyAfterItsDependencySucceededThere() {
      List<Line> reloads = where("reload-app", null, "RUNNING");
      assertThat(reloads).as(output).isNotEmpty();
      for (Line reload : reloads) {
        Optional<Line> lastFetchEnded =
            jobLines.stream()
                .filter(l -> l.index() < reload.index())
                .filter(l -> l.schedule().equals("fetch-config") && l.node().equals(reload.node()))
                .filter(l -> ENDED.contains(l.status()))
                .reduce((a, b) -> b);
        assertThat(lastFetchEnded).as(output).isPresent();
        assertThat(lastFetchEnded.get().status()).isEqualTo("SUCCEEDED");
      }
      assertThat(where("reload-app", null, "WAITING"))
          .as(output)
          .anyMatch(l -> l.details().startsWith("DEPENDENCY"));
    }

    @Test
    void neverRunsTwoJobsAtOnceOnANode() {
      Map<String, Set<String>> running = new HashMap<>();
      Set<String> started = new HashSet<>();
      for (Line l : jobLines) {
        Set<String> onNode = running.computeIfAbsent(l.node(), n -> new HashSet<>());
        if (l.status().equals("RUNNING")) {
          assertThat(onNode)
              .as("%s starts on %s while %s runs there%n%s", l.job(), l.node(), onNode, output)
              .isEmpty();
          onNode.add(l.job());
          started.add(l.job());
        } else if (ENDED.contains(l.status())) {
          assertThat(onNode).as("%s ended without running%n%s", l.job(), output).contains(l.job());
          onNode.remove(l.job());
        }
      }
      assertThat(running.values()).as("still running after the shutdown").allMatch(Set::isEmpty);
      // the limit was exercised: a job waited for its node and then ran
      List<Line> waitedForNode =
          jobLines.stream()
              .filter(l -> l.status().equals("WAITING") && l.details().startsWith("NODE_LIMIT"))
              .toList();
      assertThat(waitedForNode).as(output).isNotEmpty();
      assertThat(waitedForNode).anyMatch(l -> started.contains(l.job()));
    }

    @Test
    void retriesTheFailingScriptAndNotifiesTheConsoleChannelAfterTheLastAttempt() {
      List<Line> failed = where("report-upload", "web-2", "FAILED");
      assertThat(failed).as(output).hasSize(3);
      assertThat(failed)
          .allMatch(
              l -> l.details().startsWith("exit 3 | stderr: upload failed: server answered 503"));
      assertThat(failed.get(0).details()).contains("| retry 2/3 at +");
      assertThat(failed.get(1).details()).contains("| retry 3/3 at +");
      assertThat(failed.get(2).details()).doesNotContain("retry");
      List<Line> attempts = where("report-upload", "web-2", "RUNNING");
      assertThat(attempts)
          .extracting(Line::details)
          .containsExactly("attempt 1/3", "attempt 2/3", "attempt 3/3");
      assertThat(attempts).extracting(Line::job).containsOnly(failed.get(0).job());
      // a retry starts after the failure it retries
      assertThat(attempts.get(1).index()).isGreaterThan(failed.get(0).index());
      assertThat(attempts.get(2).index()).isGreaterThan(failed.get(1).index());

      String job = failed.get(0).job();
      int notification = indexOf("[WARNING] Job " + job + " of report-upload on web-2: FAILED");
      assertThat(notification).isGreaterThan(failed.get(2).index());
      assertThat(lines.subList(notification, lines.size())).contains("  exitCode: 3");
    }

    @Test
    void handsGlobalAndNodeVariablesToTheScripts() {
      assertThat(where("db-health", "db-1", "SUCCEEDED"))
          .as(output)
          .isNotEmpty()
          .allMatch(
              l ->
                  l.details()
                      .equals("exit 0 | replication healthy on the primary database (staging)"));
      assertThat(where("fetch-config", null, "SUCCEEDED"))
          .as(output)
          .isNotEmpty()
          .allMatch(
              l -> l.details().equals("exit 0 | fetched staging config for the web frontend"));
    }

    @Test
    void shutsDownByItselfAfterTheRun() {
      assertThat(lines.get(lines.size() - 1)).contains("shut down; jobs: ");
      assertThat(output).contains("shutting down: no more fires or dispatches");
      assertThat(Duration.ofNanos(elapsedNanos))
          .isBetween(RUN_FOR, RUN_FOR.plus(Demo.SHUTDOWN_GRACE).plusSeconds(1));
    }
  }
}
