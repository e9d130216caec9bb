package io.scripttask.samples;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.EventListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * An {@link EventListener} that prints one line per scheduler event, stamped with its offset from
 * the demo's start.
 *
 * <p>A job's line reads {@code +OFFSET SCHEDULE NODE PRIORITY JOB-ID STATUS DETAILS}:
 *
 * <pre>
 *  +2.003s  db-health     db-1   CRITICAL  job-9    RUNNING    attempt 1/1
 *  +2.004s  disk-check    db-1   NORMAL    job-10   WAITING    MAINTENANCE_WINDOW: held by ...
 *  +2.051s  db-health     db-1   CRITICAL  job-9    SUCCEEDED  exit 0 | replication healthy ...
 *  +3.120s  report-upload web-2  NORMAL    job-12   FAILED     exit 3 | stderr: ... | retry 2/3 ...
 * </pre>
 *
 * <p>{@code DETAILS} is the attempt for {@code RUNNING}, the reason for {@code WAITING} and {@code
 * SKIPPED}, and for a finished attempt the exit code, the first line of its output (of standard
 * output for a success, of standard error for a failure, falling back to the other stream) and,
 * when a retry follows, the next attempt and its due offset. An attempt that will be retried is
 * printed with the status it ended in ({@code FAILED} or {@code TIMED_OUT}) although the job itself
 * is {@code QUEUED} again. Other events print as {@code +OFFSET window ID OPENED}, {@code +OFFSET
 * schedule ID created: ...} and the like.
 *
 * <p>Thread-safe: each line is printed with a single {@code println}, under the stream's lock.
 */
final class EventPrinter implements EventListener {
  private final Instant start;
  private final PrintStream out;

  /**
   * Creates a printer.
   *
   * @param start the instant offsets are measured from
   * @param out where to print
   * @throws NullPointerException if an argument is null
   */
  EventPrinter(Instant start, PrintStream out) {
    this.start = Objects.requireNonNull(start, "start");
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public void onEvent(SchedulerEvent event) {
    String line = String.format(Locale.ROOT, "%8s  %s", offset(event.at()), describe(event));
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  /**
   * Formats an instant as its offset from the start, {@code "+2.003s"}.
   *
   * @param at the instant
   * @return the offset
   */
  String offset(Instant at) {
    Duration d = Duration.between(start, at);
    return String.format(Locale.ROOT, "%+.3fs", d.toNanos() / 1e9);
  }

  private String describe(SchedulerEvent event) {
    // Java 17: no pattern matching in switch yet
    if (event instanceof SchedulerEvent.JobQueued e) {
      return job(e.job(), "QUEUED", "");
    } else if (event instanceof SchedulerEvent.JobWaiting e) {
      return job(e.job(), "WAITING", e.job().waitReason() + detail(e.job()));
    } else if (event instanceof SchedulerEvent.JobStarted e) {
      return job(e.job(), "RUNNING", "attempt " + e.job().attempt() + "/" + e.job().maxAttempts());
    } else if (event instanceof SchedulerEvent.JobFinished e) {
      return finished(e);
    } else if (event instanceof SchedulerEvent.JobSkipped e) {
      return job(e.job(), "SKIPPED", e.job().skipReason() + detail(e.job()));
    } else if (event instanceof SchedulerEvent.JobCancelled e) {
      return job(e.job(), "CANCELLED", e.actor() == null ? "by the scheduler" : "by " + e.actor());
    } else if (event instanceof SchedulerEvent.WindowOpened e) {
      return "window " + e.windowId() + " OPENED";
    } else if (event instanceof SchedulerEvent.WindowClosed e) {
      return "window " + e.windowId() + " CLOSED";
    } else if (event instanceof SchedulerEvent.ScheduleCreated e) {
      return "schedule " + created(e.schedule());
    } else if (event instanceof SchedulerEvent.ScheduleUpdated e) {
      return "schedule " + e.schedule().id() + " updated";
    } else if (event instanceof SchedulerEvent.ScheduleDeleted e) {
      return "schedule " + e.scheduleId() + " deleted";
    } else if (event instanceof SchedulerEvent.SchedulePaused e) {
      return "schedule "
          + e.scheduleId()
          + (e.automatic() ? " paused automatically: " : " paused: ")
          + e.reason();
    } else if (event instanceof SchedulerEvent.ScheduleResumed e) {
      return "schedule " + e.scheduleId() + " resumed";
    } else if (event instanceof SchedulerEvent.NodeQuarantined e) {
      return "node " + e.nodeId() + " quarantined: " + e.reason();
    } else if (event instanceof SchedulerEvent.NodeReleased e) {
      return "node " + e.nodeId() + " released";
    }
    return event.toString();
  }

  private static String created(Schedule s) {
    StringBuilder sb =
        new StringBuilder()
            .append(s.id())
            .append(" created: ")
            .append(s.spec().priority())
            .append(", ")
            .append(s.spec().trigger().describe(Locale.ENGLISH));
    if (s.spec().description() != null) {
      sb.append(", ").append(s.spec().description());
    }
    return sb.toString();
  }

  private String finished(SchedulerEvent.JobFinished e) {
    Job job = e.job();
    StringBuilder details = new StringBuilder();
    if (job.exitCode() != null) {
      details.append("exit ").append(job.exitCode());
    }
    // a failed attempt most likely says why on stderr; a successful one reports on stdout
    boolean succeeded = e.outcome() == JobStatus.SUCCEEDED;
    String out = firstLine(job.stdout());
    String err = firstLine(job.stderr());
    String output;
    if (succeeded) {
      output = !out.isEmpty() ? out : err.isEmpty() ? "" : "stderr: " + err;
    } else {
      output = !err.isEmpty() ? "stderr: " + err : out;
    }
    if (!output.isEmpty()) {
      details.append(details.length() > 0 ? " | " : "").append(output);
    }
    String status = e.outcome().name();
    if (e.willRetry()) {
      // the stored job is QUEUED again for its next attempt
      details
          .append(details.length() > 0 ? " | " : "")
          .append("retry ")
          .append(job.attempt())
          .append("/")
          .append(job.maxAttempts())
          .append(" at ")
          .append(offset(e.retryAt()));
    } else {
      if (job.status() != JobStatus.SUCCEEDED && job.detail() != null) {
        details.append(details.length() > 0 ? " | " : "").append(job.detail());
      }
    }
    return job(job, status, details.toString());
  }

  private static String job(Job job, String status, String details) {
    String schedule = job.scheduleId() == null ? "(ad hoc)" : job.scheduleId();
    return String.format(
            Locale.ROOT,
            "%-13s %-6s %-9s %-8s %-10s %s",
            schedule,
            job.nodeId(),
            job.priority(),
            job.id(),
            status,
            details)
        .stripTrailing();
  }

  private static String detail(Job job) {
    return job.detail() == null ? "" : ": " + job.detail();
  }

  /** The first non-blank line of an output, with runs of blanks collapsed, at most 80 chars. */
  private static String firstLine(CapturedOutput output) {
    if (output == null) {
      return "";
    }
    for (String line : output.text().split("\\R")) {
      String s = line.strip().replaceAll("\\s+", " ");
      if (!s.isEmpty()) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
      }
    }
    return "";
  }
}
