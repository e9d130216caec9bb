package io.scripttask.scheduler.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.ExecutionResult.Outcome;
import io.scripttask.scheduler.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Transport} keeps, as an abstract JUnit 5 suite: each adapter's test
 * extends it, says how to build the transport and which node it reaches, and inherits these tests.
 *
 * <p>The suite uses only what the SPI promises. Its scripts are POSIX {@code sh} (a transport that
 * cannot run {@link Shell#SH} skips the suite); processes are checked from the node itself (with a
 * second run of {@code kill -0 <pid>}), so the suite works for remote transports too. Subclasses
 * implement {@link #transport()} and {@link #node()} and may override the capability hooks:
 *
 * <ul>
 *   <li>{@link #supportsShell(Shell)}: which interpreters the node has (default: {@code sh} only);
 *   <li>{@link #unsupportedShell()}: a shell the transport cannot run there, to test {@code
 *       FAILED_TO_START};
 *   <li>{@link #unreachableNode()}: a node the transport cannot reach;
 *   <li>{@link #shortTimeout()} and {@link #resultWait()}: the timeout the timeout tests use and
 *       the bound on every wait for a result.
 * </ul>
 *
 * <p>The transport must stamp {@code startedAt} and {@code finishedAt} with {@link #clock()}, a
 * clock of the suite that starts at {@link #CLOCK_START} and moves 1 ms at each reading. A
 * transport that is {@link AutoCloseable} is closed after each test.
 */
public abstract class TransportContract {

  /** Where the suite's {@link #clock()} starts: far from the real time, so its use shows. */
  protected static final Instant CLOCK_START = Instant.parse("2030-01-01T00:00:00Z");

  private static final Pattern PID = Pattern.compile("^(\\d+)$", Pattern.MULTILINE);

  private final SteppingClock clock = new SteppingClock(CLOCK_START, Duration.ofMillis(1));
  private final AtomicInteger ids = new AtomicInteger();
  private final List<Execution> executions = new ArrayList<>();
  private Transport transport;

  /**
   * Builds the transport under test; called before each test. It must stamp its results with {@link
   * #clock()}.
   *
   * @return a fresh transport
   */
  protected abstract Transport transport();

  /**
   * @return a node the transport reaches, whose {@link Node#transport()} is the transport's name
   */
  protected abstract Node node();

  /**
   * @param shell an interpreter
   * @return whether the transport can run scripts for it on {@link #node()} (default: only {@link
   *     Shell#SH})
   */
  protected boolean supportsShell(Shell shell) {
    return shell == Shell.SH;
  }

  /**
   * @return a shell the transport cannot run on {@link #node()}, if there is one (default none)
   */
  protected Optional<Shell> unsupportedShell() {
    return Optional.empty();
  }

  /**
   * @return a node the transport cannot reach, if the test can name one (default none)
   */
  protected Optional<Node> unreachableNode() {
    return Optional.empty();
  }

  /**
   * @return the timeout of the timeout tests (default 1 second)
   */
  protected Duration shortTimeout() {
    return Duration.ofSeconds(1);
  }

  /**
   * @return the longest the suite waits for any result (default 20 seconds)
   */
  protected Duration resultWait() {
    return Duration.ofSeconds(20);
  }

  /**
   * @return the clock the transport must stamp its results with
   */
  protected final Clock clock() {
    return clock;
  }

  /**
   * @return the transport of the current test
   */
  protected final Transport subject() {
    return transport;
  }

  @BeforeEach
  final void openTransport() {
    assumeTrue(supportsShell(Shell.SH), "the contract's scripts are POSIX sh");
    transport = Objects.requireNonNull(transport(), "transport()");
  }

  @AfterEach
  final void closeTransport() throws Exception {
    for (Execution e : executions) {
      e.cancel();
    }
    if (transport instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  // ------------------------------------------------------------------------ helpers for subclasses

  /**
   * @param content a POSIX sh script body
   * @return the script
   */
  protected static Script sh(String content) {
    return Script.builder("contract-sh").shell(Shell.SH).content(content).build();
  }

  /**
   * @param script the script
   * @return a request for {@link #node()} with no variables, killing on a timeout of {@link
   *     #resultWait()}, with the default output policy
   */
  protected final ExecutionRequest request(Script script) {
    return request(script, Map.of(), resultWait(), true, OutputPolicy.DEFAULT);
  }

  /**
   * @param script the script
   * @param environment the variables
   * @param timeout the timeout
   * @param killOnTimeout whether to kill on timeout
   * @param output the output policy
   * @return a request for {@link #node()}
   */
  protected final ExecutionRequest request(
      Script script,
      Map<String, String> environment,
      Duration timeout,
      boolean killOnTimeout,
      OutputPolicy output) {
    return new ExecutionRequest(
        "contract-" + ids.incrementAndGet(),
        node(),
        script,
        environment,
        timeout,
        killOnTimeout,
        output);
  }

  /**
   * Starts a run that is cancelled after the test if it is still going.
   *
   * @param request the request
   * @return the handle
   */
  protected final Execution start(ExecutionRequest request) {
    Execution execution = transport.execute(request);
    assertThat(execution).as("execute must return a handle").isNotNull();
    assertThat(execution.result()).as("result()").isNotNull();
    executions.add(execution);
    return execution;
  }

  /**
   * Waits, at most {@link #resultWait()}, for a result that must complete normally.
   *
   * @param execution the run
   * @return its result
   */
  protected final ExecutionResult awaitResult(Execution execution) {
    CompletableFuture<ExecutionResult> future = execution.result();
    try {
      ExecutionResult result = future.get(resultWait().toMillis(), TimeUnit.MILLISECONDS);
      assertThat(result).as("result").isNotNull();
      return result;
    } catch (ExecutionException e) {
      return fail("the result must never complete exceptionally", e.getCause());
    } catch (TimeoutException e) {
      return fail("no result within " + resultWait());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /**
   * Runs a script to its end.
   *
   * @param script the script
   * @return its result
   */
  protected final ExecutionResult run(Script script) {
    return awaitResult(start(request(script)));
  }

  /**
   * @param text output with one process id per line among other lines
   * @return the process ids
   */
  protected static List<Long> pids(String text) {
    List<Long> pids = new ArrayList<>();
    Matcher m = PID.matcher(text);
    while (m.find()) {
      pids.add(Long.parseLong(m.group(1)));
    }
    return pids;
  }

  /**
   * Waits until none of {@code pids} is alive on the node, checking from the node itself.
   *
   * @param pids the process ids
   */
  protected final void awaitAllGone(List<Long> pids) {
    StringBuilder check = new StringBuilder();
    for (long pid : pids) {
      check.append("if kill -0 ").append(pid).append(" 2>/dev/null; then exit 1; fi\n");
    }
    check.append("exit 0\n");
    Script script = sh(check.toString());
    await("processes " + pids + " gone")
        .atMost(resultWait())
        .pollInterval(Duration.ofMillis(100))
        .until(() -> run(script).exitCode() == 0);
  }

  private static String tempPath(String what) {
    return "/tmp/scripttask-contract-" + what + "-" + UUID.randomUUID();
  }

  // ------------------------------------------------------------------------ exit codes and output

  @Test
  void reportsExitCodeZero() {
    ExecutionResult result = run(sh("exit 0"));

    assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(result.exitCode()).isZero();
    assertThat(result.succeeded()).isTrue();
    assertThat(result.error()).isNull();
  }

  @Test
  void reportsNonZeroExitCode() {
    ExecutionResult result = run(sh("echo failing\nexit 7"));

    assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(result.exitCode()).isEqualTo(7);
    assertThat(result.succeeded()).isFalse();
  }

  @Test
  void capturesStdoutAndStderrSeparately() {
    ExecutionResult result =
        run(sh("printf 'to out\\n'\nprintf 'to err\\n' >&2\nprintf 'more\\n'"));

    assertThat(result.stdout()).isEqualTo(new CapturedOutput("to out\nmore\n", false, 12));
    assertThat(result.stderr()).isEqualTo(new CapturedOutput("to err\n", false, 7));
  }

  @Test
  void deliversEnvironmentValuesVerbatimWithoutInjection() {
    String marker = tempPath("injected");
    String value =
        "$(touch "
            + marker
            + "); `touch "
            + marker
            + "`; rm -rf /nonexistent-scripttask-probe; echo \"quoted\" 'single' \\ * ?\n"
            + "second line $HOME ${PATH}";
    Script script = sh("printf '%s' \"$ST_VALUE\"\nprintf '%s' \"$ST_OTHER\" >&2");

    ExecutionResult result =
        awaitResult(
            start(
                request(
                    script,
                    Map.of("ST_VALUE", value, "ST_OTHER", "plain"),
                    resultWait(),
                    true,
                    OutputPolicy.DEFAULT)));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout().text()).isEqualTo(value);
    assertThat(result.stderr().text()).isEqualTo("plain");
    assertThat(run(sh("test -e " + marker)).exitCode())
        .as("the value must not run as a command")
        .isEqualTo(1);
  }

  // ------------------------------------------------------------------------ output policy

  @Test
  void capsOutputKeepingHeadAndTailAndFlaggingTruncation() {
    // 5 + 200 * 10 + 3 = 2008 bytes
    Script script =
        sh(
            "printf 'BEGIN'\n"
                + "i=0\n"
                + "while [ $i -lt 200 ]; do printf '0123456789'; i=$((i + 1)); done\n"
                + "printf 'END'\n"
                + "printf 'small' >&2\n");
    StringBuilder all = new StringBuilder("BEGIN");
    all.append("0123456789".repeat(200)).append("END");

    ExecutionResult result =
        awaitResult(
            start(request(script, Map.of(), resultWait(), true, OutputPolicy.cappedAt(100))));

    CapturedOutput out = result.stdout();
    assertThat(out.truncated()).isTrue();
    assertThat(out.totalBytes()).isEqualTo(2008);
    assertThat(out.text()).startsWith(all.substring(0, 50));
    assertThat(out.text()).endsWith(all.substring(all.length() - 50));
    assertThat(out.text()).contains("truncated");
    assertThat(out.text().length()).isLessThan(200);
    assertThat(result.stderr()).isEqualTo(new CapturedOutput("small", false, 5));
  }

  @Test
  void keepsNoOutputButCountsBytesWhenOutputIsNotStored() {
    ExecutionResult result =
        awaitResult(
            start(
                request(
                    sh("printf 'secret-ish output'\nprintf 'err' >&2"),
                    Map.of(),
                    resultWait(),
                    true,
                    OutputPolicy.DISCARD)));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout().text()).isEmpty();
    assertThat(result.stdout().totalBytes()).isEqualTo(17);
    assertThat(result.stderr().text()).isEmpty();
    assertThat(result.stderr().totalBytes()).isEqualTo(3);
  }

  // ------------------------------------------------------------------------ command lists

  @Test
  void commandListStopsAtTheFirstFailureWithItsExitCode() {
    Script script =
        Script.builder("list")
            .shell(Shell.SH)
            .commands("echo one", "(exit 3)", "echo three")
            .stopOnFailure(true)
            .build();

    ExecutionResult result = run(script);

    assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout().text()).isEqualTo("one\n");
  }

  @Test
  void commandListWithoutStopOnFailureRunsAllAndReportsTheLastExitCode() {
    Script lastSucceeds =
        Script.builder("list")
            .shell(Shell.SH)
            .commands("echo one", "(exit 3)", "echo three")
            .stopOnFailure(false)
            .build();
    Script lastFails =
        Script.builder("list")
            .shell(Shell.SH)
            .commands("(exit 3)", "echo two", "(exit 4)")
            .stopOnFailure(false)
            .build();

    ExecutionResult first = run(lastSucceeds);
    ExecutionResult second = run(lastFails);

    assertThat(first.exitCode()).isZero();
    assertThat(first.stdout().text()).isEqualTo("one\nthree\n");
    assertThat(second.exitCode()).isEqualTo(4);
    assertThat(second.stdout().text()).isEqualTo("two\n");
  }

  // ------------------------------------------------------------------------ timeouts

  @Test
  void timeoutKillsTheWholeProcessTree() {
    Script script =
        sh(
            "sleep 300 &\n"
                + "echo \"$!\"\n"
                + "sh -c 'sleep 300 & echo \"$!\"; wait' &\n"
                + "echo \"$!\"\n"
                + "wait\n");
    long began = System.nanoTime();

    ExecutionResult result =
        awaitResult(start(request(script, Map.of(), shortTimeout(), true, OutputPolicy.DEFAULT)));
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(took).isGreaterThanOrEqualTo(shortTimeout());
    assertThat(took).isLessThan(shortTimeout().plus(resultWait()));
    List<Long> pids = pids(result.stdout().text());
    assertThat(pids).as("child, sub-shell and grandchild pids").hasSize(3);
    awaitAllGone(pids);
  }

  // ------------------------------------------------------------------------ cancel

  @Test
  void cancelKillsARunningScriptAndItsChildren() {
    String pidFile = tempPath("pid");
    Script script =
        sh(
            "sleep 300 &\n"
                + "echo \"$!\" > '"
                + pidFile
                + ".tmp'\n"
                + "mv '"
                + pidFile
                + ".tmp' '"
                + pidFile
                + "'\n"
                + "wait\n");
    Execution execution = start(request(script));
    Script readPid = sh("cat '" + pidFile + "'");
    List<Long> pids = new ArrayList<>();
    await("the script is running")
        .atMost(resultWait())
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              ExecutionResult r = run(readPid);
              if (r.exitCode() != 0) {
                return false;
              }
              pids.addAll(pids(r.stdout().text()));
              return true;
            });

    boolean cancelled = execution.cancel();
    ExecutionResult result = awaitResult(execution);

    try {
      assertThat(cancelled).isTrue();
      assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
      assertThat(execution.cancel()).as("a second cancel").isFalse();
      assertThat(pids).hasSize(1);
      awaitAllGone(pids);
    } finally {
      run(sh("rm -f '" + pidFile + "'"));
    }
  }

  @Test
  void cancelRightAfterExecuteCancels() {
    Execution execution = start(request(sh("sleep 300")));

    boolean cancelled = execution.cancel();
    ExecutionResult result = awaitResult(execution);

    assertThat(cancelled).isTrue();
    assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(execution.cancel()).isFalse();
  }

  @Test
  void cancelAfterTheRunFinishedReturnsFalseAndChangesNothing() {
    Execution execution = start(request(sh("echo done")));
    ExecutionResult result = awaitResult(execution);

    boolean cancelled = execution.cancel();

    assertThat(cancelled).isFalse();
    assertThat(execution.result().getNow(null)).isSameAs(result);
    assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(result.stdout().text()).isEqualTo("done\n");
  }

  // ------------------------------------------------------------------------ failures to start

  @Test
  void unsupportedShellFailsToStartWithoutThrowing() {
    Optional<Shell> shell = unsupportedShell();
    assumeTrue(shell.isPresent(), "the transport names no unsupported shell");
    Script script = Script.builder("unsupported").shell(shell.get()).content("echo hi").build();

    ExecutionResult result = run(script);

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(result.exitCode()).isNull();
    assertThat(result.error()).isNotBlank();
  }

  @Test
  void unreachableNodeFailsToStartWithoutThrowing() {
    Optional<Node> node = unreachableNode();
    assumeTrue(node.isPresent(), "the transport names no unreachable node");
    ExecutionRequest request =
        new ExecutionRequest(
            "contract-unreachable",
            node.get(),
            sh("echo hi"),
            Map.of(),
            resultWait(),
            true,
            OutputPolicy.DEFAULT);

    ExecutionResult result = awaitResult(start(request));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(result.error()).isNotBlank();
  }

  // ------------------------------------------------------------------------ results and threads

  @Test
  void executeReturnsBeforeTheScriptEnds() {
    long began = System.nanoTime();

    Execution execution = start(request(sh("sleep 300")));

    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
    assertThat(execution.result()).isNotDone();
    execution.cancel();
    assertThat(awaitResult(execution).outcome()).isEqualTo(Outcome.CANCELLED);
  }

  @Test
  void concurrentRunsAllCompleteNormallyWithTheirOwnResults() {
    List<Execution> runs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      runs.add(start(request(sh("echo run-" + i + "\nexit " + i))));
    }
    runs.add(start(request(sh("sleep 300"))));
    runs.get(runs.size() - 1).cancel();

    for (int i = 0; i < 8; i++) {
      ExecutionResult result = awaitResult(runs.get(i));
      assertThat(result.exitCode()).isEqualTo(i);
      assertThat(result.stdout().text()).isEqualTo("run-" + i + "\n");
    }
    assertThat(awaitResult(runs.get(8)).outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(runs).allSatisfy(e -> assertThat(e.result()).isCompleted());
  }

  @Test
  void stampsStartedAtAndFinishedAtFromTheInjectedClock() {
    ExecutionResult result = run(sh("echo tick"));

    assertThat(result.startedAt()).isAfterOrEqualTo(CLOCK_START);
    assertThat(result.finishedAt()).isAfterOrEqualTo(result.startedAt());
    assertThat(result.finishedAt()).isBeforeOrEqualTo(clock.peek());
    assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ZERO);
  }

  /** A clock that moves a fixed step each time it is read. */
  private static final class SteppingClock extends Clock {
    private final Duration step;
    private Instant now;

    SteppingClock(Instant start, Duration step) {
      this.now = start;
      this.step = step;
    }

    @Override
    public synchronized Instant instant() {
      Instant current = now;
      now = now.plus(step);
      return current;
    }

    synchronized Instant peek() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the contract's clock is UTC only");
    }
  }
}
