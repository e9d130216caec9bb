package io.scripttask.samples;

import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.remediation.spi.RemediationListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A {@link RemediationListener} that prints one line per remediation event, stamped with its offset
 * from the demo's start: {@code +OFFSET EXECUTION STEP ATTEMPT STATUS DETAILS}, for example
 *
 * <pre>
 *   +0.412s  exec-1  clean-tmp      #1  FAILED      exit 75 | disk busy, try again | retry #2 at +0.912s
 *   +0.950s  exec-1  clean-tmp      #2  SUCCEEDED   exit 0 | moved 8 temp files to the trash
 * </pre>
 *
 * Executions are labelled {@code exec-1}, {@code exec-2}, ... in the order they appear.
 * Thread-safe.
 */
final class RemediationEventPrinter implements RemediationListener {
  private final Instant start;
  private final PrintStream out;
  private final Map<String, String> labels = new HashMap<>();

  RemediationEventPrinter(Instant start, PrintStream out) {
    this.start = Objects.requireNonNull(start, "start");
    this.out = Objects.requireNonNull(out, "out");
  }

  String offset(Instant at) {
    long ms = Duration.between(start, at).toMillis();
    return String.format(Locale.ROOT, "%+.3fs", ms / 1000.0);
  }

  synchronized String label(String executionId) {
    return labels.computeIfAbsent(executionId, id -> "exec-" + (labels.size() + 1));
  }

  @Override
  public void onEvent(RemediationEvent event) {
    String line = describe(event);
    if (line != null) {
      out.printf(
          Locale.ROOT, "%8s  %-6s  %s%n", offset(event.at()), label(event.executionId()), line);
    }
  }

  private String describe(RemediationEvent event) {
    if (event instanceof RemediationEvent.ExecutionStarted s) {
      WorkflowExecution e = s.execution();
      return "STARTED "
          + e.workflowId()
          + " on "
          + e.nodeId()
          + " ("
          + e.source()
          + (e.triggerData().isEmpty() ? "" : ": " + data(e))
          + ")";
    }
    if (event instanceof RemediationEvent.TriggerRefused r) {
      return "REFUSED "
          + r.execution().workflowId()
          + " on "
          + r.execution().nodeId()
          + ": "
          + r.reason();
    }
    if (event instanceof RemediationEvent.StepFinished f) {
      return attempt(f.attempt(), null);
    }
    if (event instanceof RemediationEvent.RolledBack r) {
      return attempt(r.compensation(), "compensation");
    }
    if (event instanceof RemediationEvent.Escalated x) {
      return "ESCALATED via " + x.channel() + ": " + x.notice().detail();
    }
    if (event instanceof RemediationEvent.ExecutionFinished f) {
      WorkflowExecution e = f.execution();
      return "FINISHED "
          + e.status()
          + (e.detail() == null ? "" : " (" + e.detail() + ")")
          + ", rollback "
          + e.rollback();
    }
    return null;
  }

  private static String attempt(StepAttempt a, String kind) {
    StringBuilder d = new StringBuilder();
    if (a.exitCode() != null) {
      d.append("exit ").append(a.exitCode());
    }
    String out = RemediationDemo.firstLine(a);
    if (!out.isEmpty()) {
      d.append(d.length() == 0 ? "" : " | ").append(out);
    }
    for (String extra : new String[] {a.decision(), a.detail()}) {
      if (extra != null && !extra.startsWith("exit code ")) {
        d.append(d.length() == 0 ? "" : " | ").append(extra);
      }
    }
    if (a.next() != null) {
      d.append(d.length() == 0 ? "" : " | ").append("next ").append(a.next());
    }
    return String.format(
        Locale.ROOT,
        "%-14s #%-2d %-11s %s",
        a.stepId()
            + (kind == null ? (a.kind() == StepAttempt.Kind.PROBE ? " probe" : "") : " undo"),
        a.attempt(),
        a.status(),
        d);
  }

  private static String data(WorkflowExecution e) {
    return e.triggerData().entrySet().stream()
        .map(x -> x.getKey() + "=" + x.getValue())
        .collect(Collectors.joining(", "));
  }
}
