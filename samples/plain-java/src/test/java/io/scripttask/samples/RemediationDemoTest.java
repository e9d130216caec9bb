package io.scripttask.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Runs the remediation part once, on the real clock with real processes, and checks what it
 * printed, line by line in order (never timing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisabledOnOs(OS.WINDOWS)
class RemediationDemoTest {

  String output;
  List<String> lines;

  @BeforeAll
  void runTheDemo() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new RemediationDemo(Clock.systemUTC(), new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .run();
    output = bytes.toString(StandardCharsets.UTF_8);
    lines = output.lines().toList();
  }

  private int indexOf(String fragment) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(fragment)) {
        return i;
      }
    }
    throw new AssertionError("no line containing " + fragment + "\n" + output);
  }

  private int indexOf(String fragment, int after) {
    for (int i = after + 1; i < lines.size(); i++) {
      if (lines.get(i).contains(fragment)) {
        return i;
      }
    }
    throw new AssertionError(
        "no line containing " + fragment + " after line " + after + "\n" + output);
  }

  @Test
  void theMetricTriggerFiresOnTheSecondOfThreeHighSamples() {
    assertThat(lines).anyMatch(l -> l.endsWith("sample diskUsagePercent=80: no trigger"));
    assertThat(lines).anyMatch(l -> l.endsWith("sample diskUsagePercent=90: no trigger"));
    assertThat(lines).anyMatch(l -> l.endsWith("sample diskUsagePercent=92: trigger fired"));
    assertThat(output)
        .contains("exec-1  STARTED disk-space on web-1 (METRIC: diskUsagePercent=92)");
    assertThat(output)
        .contains(
            "sample diskUsagePercent=91: no trigger (it fired; it re-arms once a sample is below 70)");
  }

  @Test
  void theFirstExecutionBranchesRetriesTheBusyDiskAndNotifies() {
    int branch = indexOf("exec-1  how-bad        #1  SUCCEEDED   diskUsagePercent > 95: false");
    int busy =
        indexOf("exec-1  clean-tmp      #1  FAILED      exit 75 | disk busy, try again", branch);
    int cleaned =
        indexOf("exec-1  clean-tmp      #2  SUCCEEDED   exit 0 | moved 8 temp files", busy);
    int healthy = indexOf("exec-1  verify         #1  SUCCEEDED", cleaned);
    int notified = indexOf("[INFO] Disk on web-1 back to 10%", healthy);
    int finished = indexOf("exec-1  FINISHED SUCCEEDED, rollback NONE", notified);
    assertThat(finished).isPositive();
  }

  @Test
  void theDryRunPredictsTheRollbackAndRunsNothing() {
    assertThat(output)
        .contains(
            "dry run with a failing verification: steps [measure, how-bad, clean-tmp, verify,"
                + " notify-failed], compensations [clean-tmp], 1 notification(s), ends FAILED");
  }

  @Test
  void toldToFailItNotifiesAndRollsTheCleanupBack() {
    int told = indexOf("told to fail: starting by hand with simulateFailure=true");
    int timedOut = indexOf("exec-2  verify         #1  TIMED_OUT", told);
    int critical = indexOf("[CRITICAL] Disk remediation on web-1 failed: rolling back", timedOut);
    int undo = indexOf("exec-2  clean-tmp undo #1  SUCCEEDED", critical);
    int finished =
        indexOf(
            "exec-2  FINISHED FAILED (step 'notify-failed' went to $fail), rollback COMPLETED",
            undo);
    indexOf("ended FAILED, rollback COMPLETED; temp files back on the disk: 8", finished);
    assertThat(lines.get(lines.size() - 1)).endsWith("remediation engine shut down");
  }
}
