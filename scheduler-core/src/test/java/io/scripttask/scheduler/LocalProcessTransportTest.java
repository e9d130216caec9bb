package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.ExecutionResult.Outcome;
import io.scripttask.scheduler.spi.Transport;
import io.scripttask.scheduler.testkit.TransportContract;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalProcessTransport}: the transport contract, plus what is particular to local runs. */
class LocalProcessTransportTest extends TransportContract {

  private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");
  private static final Duration KILL_GRACE = Duration.ofMillis(500);

  @TempDir Path temp;

  @Override
  protected Transport transport() {
    return LocalProcessTransport.builder().clock(clock()).killGrace(KILL_GRACE).build();
  }

  @Override
  protected Node node() {
    return Node.of("this-host", "local");
  }

  @Override
  protected boolean supportsShell(Shell shell) {
    return switch (shell) {
      case SH, BASH, PYTHON -> !WINDOWS;
      case POWERSHELL -> pwshInstalled();
      case CMD -> WINDOWS;
    };
  }

  @Override
  protected Optional<Shell> unsupportedShell() {
    return WINDOWS ? Optional.empty() : Optional.of(Shell.CMD);
  }

  @Override
  protected Optional<Node> unreachableNode() {
    return Optional.of(Node.of("db-1", "ssh"));
  }

  private static boolean pwshInstalled() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, WINDOWS ? "pwsh.exe" : "pwsh"))) {
        return true;
      }
    }
    return false;
  }

  private static Script script(Shell shell, String content) {
    return Script.builder("local-" + shell.name().toLowerCase())
        .shell(shell)
        .content(content)
        .build();
  }

  private ExecutionResult run(Script script, Map<String, String> environment) {
    return awaitResult(
        start(request(script, environment, resultWait(), true, OutputPolicy.DEFAULT)));
  }

  private static ExecutionResult runOn(LocalProcessTransport transport, ExecutionRequest request) {
    try {
      return transport.execute(request).result().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no normal result", e);
    }
  }

  private ExecutionRequest plain(Script script) {
    return request(script);
  }

  // ------------------------------------------------------------------------ interpreters

  @Test
  void runsBashScripts() {
    ExecutionResult result =
        run(
            script(
                Shell.BASH,
                "if [[ -n \"$BASH_VERSION\" ]]; then echo bash; fi\narr=(a b)\n"
                    + "echo \"${#arr[@]}\""));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout().text()).isEqualTo("bash\n2\n");
  }

  @Test
  void runsPythonScriptsAndDecodesUtf8Output() {
    ExecutionResult result =
        run(
            script(
                Shell.PYTHON,
                "import sys\n"
                    + "sys.stdout.buffer.write('h\\u00e9llo \\u2713\\n'.encode('utf-8'))\n"
                    + "print(sys.version_info[0], file=sys.stderr)\n"
                    + "sys.exit(4)\n"));

    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.stdout().text()).isEqualTo("h\u00e9llo \u2713\n");
    assertThat(result.stdout().totalBytes()).isEqualTo(11);
    assertThat(result.stderr().text()).isEqualTo("3\n");
  }

  @Test
  void pythonCommandListSharesStateAndStopsAtTheFirstException() {
    Script script =
        Script.builder("py")
            .shell(Shell.PYTHON)
            .commands("x = 41", "print(x + 1)", "raise ValueError('boom')", "print('never')")
            .stopOnFailure(true)
            .build();

    ExecutionResult result = run(script);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stdout().text()).isEqualTo("42\n");
    assertThat(result.stderr().text()).contains("ValueError: boom").contains("<command 3>");
  }

  @Test
  void pythonCommandListWithoutStopRunsAllAndSysExitEndsTheRun() {
    Script allRun =
        Script.builder("py")
            .shell(Shell.PYTHON)
            .commands("print('a')", "raise ValueError('x')", "print(\"it's \\\"quoted\\\" \\\\ \")")
            .stopOnFailure(false)
            .build();
    Script exits =
        Script.builder("py")
            .shell(Shell.PYTHON)
            .commands("print('a')", "import sys; sys.exit(5)", "print('never')")
            .stopOnFailure(false)
            .build();

    ExecutionResult first = run(allRun);
    ExecutionResult second = run(exits);

    assertThat(first.exitCode()).isZero();
    assertThat(first.stdout().text()).isEqualTo("a\nit's \"quoted\" \\ \n");
    assertThat(first.stderr().text()).contains("ValueError: x");
    assertThat(second.exitCode()).isEqualTo(5);
    assertThat(second.stdout().text()).isEqualTo("a\n");
  }

  @Test
  void shellCommandListRunsInOneInterpreterProcess() {
    Script script =
        Script.builder("one-process")
            .shell(Shell.SH)
            .commands("X=5", "cd /", "echo \"$X $(pwd)\"")
            .build();

    ExecutionResult result = run(script);

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout().text()).isEqualTo("5 /\n");
  }

  @Test
  void shellCommandListStopsAfterACommandEndingInACommentOrSemicolon() {
    Script comment =
        Script.builder("c")
            .shell(Shell.BASH)
            .commands("echo one; (exit 6) # fails", "echo never")
            .build();
    Script semicolon =
        Script.builder("s").shell(Shell.SH).commands("echo one; (exit 2);", "echo never").build();

    ExecutionResult first = run(comment);
    ExecutionResult second = run(semicolon);

    assertThat(first.exitCode()).isEqualTo(6);
    assertThat(first.stdout().text()).isEqualTo("one\n");
    assertThat(second.exitCode()).isEqualTo(2);
    assertThat(second.stdout().text()).isEqualTo("one\n");
  }

  @Test
  void runsPowerShellWhenInstalled() {
    assumeTrue(
        pwshInstalled(),
        "pwsh not on PATH: PowerShell run test skipped (PowerShell is not in Debian's archive;"
            + " install it from Microsoft's packages to run this test)");
    Script commands =
        Script.builder("ps")
            .shell(Shell.POWERSHELL)
            .commands(
                "Write-Output 'one'", "cmd-that-does-not-exist-scripttask", "Write-Output 'x'")
            .build();

    ExecutionResult body = run(script(Shell.POWERSHELL, "Write-Output 'hi'\nexit 3"));
    ExecutionResult list = run(commands);

    assertThat(body.exitCode()).isEqualTo(3);
    assertThat(body.stdout().text().strip()).isEqualTo("hi");
    assertThat(list.exitCode()).isNotZero();
    assertThat(list.stdout().text().strip()).isEqualTo("one");
  }

  @Test
  void missingPwshFailsToStart() throws IOException {
    Path emptyBin = Files.createDirectory(temp.resolve("empty-bin"));

    ExecutionResult result =
        run(script(Shell.POWERSHELL, "Write-Output 'hi'"), Map.of("PATH", emptyBin.toString()));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(result.error()).isEqualTo("pwsh not found on PATH");
    assertThat(result.exitCode()).isNull();
    assertThat(result.stdout()).isEqualTo(CapturedOutput.EMPTY);
  }

  @Test
  void powerShellFailsToStartWhereItIsNotInstalled() {
    assumeFalse(pwshInstalled() || WINDOWS, "pwsh is installed here");

    ExecutionResult result = run(script(Shell.POWERSHELL, "Write-Output 'hi'"));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(result.error()).isEqualTo("pwsh not found on PATH");
  }

  @Test
  void cmdFailsToStartOffWindows() {
    assumeFalse(WINDOWS, "cmd runs on Windows");

    ExecutionResult result = run(script(Shell.CMD, "echo hi"));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(result.error()).isEqualTo("cmd is only available on Windows");
  }

  @Test
  void missingInterpreterFailsToStartWithoutShowingSecrets() throws IOException {
    Path emptyBin = Files.createDirectory(temp.resolve("no-bash"));

    ExecutionResult result =
        run(
            script(Shell.BASH, "echo hi"),
            Map.of("PATH", emptyBin.toString(), "API_TOKEN", "tok-3141592653"));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(result.error()).isEqualTo("bash not found on PATH");
    assertThat(result.toString()).doesNotContain("tok-3141592653");
  }

  @Test
  void nodeOfAnotherTransportFailsToStart() {
    ExecutionRequest request =
        new ExecutionRequest(
            "elsewhere",
            Node.of("db-1", "ssh"),
            script(Shell.SH, "echo hi"),
            Map.of(),
            Duration.ofSeconds(5),
            true,
            OutputPolicy.DEFAULT);

    ExecutionResult result = awaitResult(start(request));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(result.error()).isEqualTo("node 'db-1' is reached by transport 'ssh', not 'local'");
  }

  // ------------------------------------------------------------------------ working directory

  @Test
  void missingWorkingDirectoryFailsToStart() {
    Path missing = temp.resolve("does-not-exist");
    try (LocalProcessTransport local =
        LocalProcessTransport.builder().clock(clock()).workingDirectory(missing).build()) {

      ExecutionResult result = runOn(local, plain(script(Shell.SH, "echo hi")));

      assertThat(result.outcome()).isEqualTo(Outcome.FAILED_TO_START);
      assertThat(result.error())
          .isEqualTo("working directory does not exist or is not a directory: " + missing);
    }
  }

  @Test
  void runsInTheConfiguredWorkingDirectory() throws IOException {
    Path dir = Files.createDirectory(temp.resolve("work"));
    try (LocalProcessTransport local =
        LocalProcessTransport.builder().clock(clock()).workingDirectory(dir).build()) {

      ExecutionResult result = runOn(local, plain(script(Shell.SH, "pwd -P\ntouch made-here")));

      assertThat(result.stdout().text()).isEqualTo(dir.toRealPath() + "\n");
      assertThat(dir.resolve("made-here")).exists();
    }
  }

  @Test
  void runsInAFreshPrivateTemporaryDirectoryAndDeletesItAndTheScriptFile() {
    Script script = script(Shell.SH, "pwd -P\necho \"$0\"\nls -l \"$0\" | cut -c1-10");

    ExecutionResult first = run(script);
    ExecutionResult second = run(script);

    List<String> a = first.stdout().text().lines().toList();
    List<String> b = second.stdout().text().lines().toList();
    assertThat(a).hasSize(3);
    assertThat(a.get(0)).isNotEqualTo(b.get(0));
    assertThat(a.get(2)).isEqualTo("-rwx------");
    for (List<String> lines : List.of(a, b)) {
      assertThat(Path.of(lines.get(0))).doesNotExist();
      assertThat(Path.of(lines.get(1))).doesNotExist();
    }
  }

  // ------------------------------------------------------------------------ environment

  @Test
  void startsFromAMinimalEnvironment() {
    ExecutionResult result = run(script(Shell.SH, "env"), Map.of("FROM_REQUEST", "1"));

    Set<String> names = new HashSet<>();
    for (String line : result.stdout().text().lines().toList()) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        names.add(line.substring(0, eq));
      }
    }
    assertThat(names).contains("PATH", "FROM_REQUEST", "SCRIPTTASK_RUN_MARK");
    assertThat(names)
        .isSubsetOf(
            "PATH",
            "HOME",
            "LANG",
            "FROM_REQUEST",
            "SCRIPTTASK_RUN_MARK",
            "PWD",
            "OLDPWD",
            "SHLVL",
            "_");
  }

  @Test
  void inheritsTheWholeEnvironmentWhenAsked() {
    Pattern simple = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    Set<String> minimal = Set.of("PATH", "HOME", "LANG", "PWD", "OLDPWD", "SHLVL", "_");
    Optional<Map.Entry<String, String>> inherited =
        System.getenv().entrySet().stream()
            .filter(e -> simple.matcher(e.getKey()).matches() && !minimal.contains(e.getKey()))
            .filter(e -> e.getValue().matches("[ -~]+"))
            .findFirst();
    assumeTrue(inherited.isPresent(), "the JVM has no variable beyond the minimal ones");
    String name = inherited.get().getKey();
    Script script = script(Shell.SH, "printf '%s' \"${" + name + "-unset}\"");

    ExecutionResult minimalRun = run(script);
    ExecutionResult inheritingRun;
    try (LocalProcessTransport local =
        LocalProcessTransport.builder().clock(clock()).inheritEnvironment(true).build()) {
      inheritingRun = runOn(local, plain(script));
    }

    assertThat(minimalRun.stdout().text()).isEqualTo("unset");
    assertThat(inheritingRun.stdout().text()).isEqualTo(inherited.get().getValue());
  }

  @Test
  void requestVariablesWinOverTheBuildersVariables() {
    try (LocalProcessTransport local =
        LocalProcessTransport.builder()
            .clock(clock())
            .environment(Map.of("ST_A", "base-a", "ST_B", "base-b"))
            .build()) {

      ExecutionResult result =
          runOn(
              local,
              request(
                  script(Shell.SH, "printf '%s %s' \"$ST_A\" \"$ST_B\""),
                  Map.of("ST_B", "request-b"),
                  Duration.ofSeconds(10),
                  true,
                  OutputPolicy.DEFAULT));

      assertThat(result.stdout().text()).isEqualTo("base-a request-b");
    }
  }

  @Test
  void secretsNeverAppearInToString() {
    try (LocalProcessTransport local =
        LocalProcessTransport.builder()
            .clock(clock())
            .environment(Map.of("DB_PASSWORD", "hunter2-very-secret"))
            .build()) {
      Execution execution =
          local.execute(
              request(
                  script(Shell.SH, "echo hi"),
                  Map.of("TOKEN", "tok-also-secret"),
                  Duration.ofSeconds(10),
                  true,
                  OutputPolicy.DEFAULT));

      assertThat(local.toString()).contains("DB_PASSWORD").doesNotContain("hunter2-very-secret");
      assertThat(execution.toString()).doesNotContain("tok-also-secret");
      assertThat(awaitResult(execution).toString())
          .doesNotContain("tok-also-secret")
          .doesNotContain("hunter2-very-secret");
    }
  }

  // ------------------------------------------------------------------------ output

  @Test
  void drainsTenMegabytesOnBothStreamsWithoutDeadlock() {
    int tenMb = 10 * 1024 * 1024;
    Script script =
        script(
            Shell.SH,
            "head -c "
                + tenMb
                + " /dev/zero | tr '\\0' 'e' >&2\n"
                + "head -c "
                + tenMb
                + " /dev/zero | tr '\\0' 'o'\n");

    ExecutionResult result = run(script);

    assertThat(result.exitCode()).isZero();
    for (CapturedOutput out : List.of(result.stdout(), result.stderr())) {
      assertThat(out.totalBytes()).isEqualTo(tenMb);
      assertThat(out.truncated()).isTrue();
      assertThat(out.text())
          .contains("[truncated " + (tenMb - OutputPolicy.DEFAULT_MAX_BYTES) + " bytes]");
      assertThat(out.text().length()).isLessThan(OutputPolicy.DEFAULT_MAX_BYTES + 100);
    }
    assertThat(result.stdout().text()).startsWith("oooo").endsWith("oooo");
    assertThat(result.stderr().text()).startsWith("eeee").endsWith("eeee");
  }

  // ------------------------------------------------------------------------ timeouts

  @Test
  void timeoutWithoutKillReportsAtTheDeadlineAndLetsTheScriptFinish() {
    Path finished = temp.resolve("finished");
    Script script =
        script(
            Shell.SH,
            "echo \"$$\"\n"
                + "sleep 3\n"
                + "head -c 1048576 /dev/zero | tr '\\0' 'z'\n"
                + "touch '"
                + finished
                + "'\n");
    long began = System.nanoTime();

    Execution execution =
        start(request(script, Map.of(), Duration.ofMillis(500), false, OutputPolicy.DEFAULT));
    ExecutionResult result = awaitResult(execution);
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(result.exitCode()).isNull();
    assertThat(took).isBetween(Duration.ofMillis(500), Duration.ofMillis(2500));
    List<Long> pids = pids(result.stdout().text());
    assertThat(pids).hasSize(1);
    assertThat(ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive)).contains(true);
    // it runs on, its 1 MiB of output drained (a full pipe would block it), and finishes
    await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(finished));
    assertThat(execution.result().getNow(null)).isSameAs(result);
    assertThat(execution.cancel()).isFalse();
  }

  @Test
  void timeoutKillsRespawningLoopsAndChildrenThatIgnoreSigterm() {
    Script script =
        script(
            Shell.SH,
            "sh -c 'trap \"\" TERM; sleep 300 & echo \"$!\"; wait' &\n"
                + "echo \"$!\"\n"
                + "while :; do sleep 300 & echo \"$!\"; wait \"$!\"; done &\n"
                + "echo \"$!\"\n"
                + "wait\n");
    long began = System.nanoTime();

    ExecutionResult result =
        awaitResult(
            start(request(script, Map.of(), Duration.ofSeconds(1), true, OutputPolicy.DEFAULT)));
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(result.exitCode()).isNull();
    assertThat(took).isLessThan(Duration.ofSeconds(1).plus(KILL_GRACE).plusSeconds(3));
    List<Long> pids = pids(result.stdout().text());
    assertThat(pids).as("ignoring sub-shell, its sleep, the loop, the loop's sleep").hasSize(4);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(pids)
                    .allSatisfy(
                        pid ->
                            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                                .as("process %d", pid)
                                .isNotEqualTo(Optional.of(true))));
  }

  @Test
  void backgroundChildThatOutlivesTheScriptDoesNotHoldTheResultBack() {
    Script script = script(Shell.SH, "sleep 300 &\necho \"$!\"\necho done\nexit 0\n");
    long began = System.nanoTime();

    ExecutionResult result = run(script);
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    List<Long> pids = pids(result.stdout().text());
    try {
      assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
      assertThat(result.exitCode()).isZero();
      assertThat(result.stdout().text()).endsWith("done\n");
      assertThat(took).isLessThan(Duration.ofSeconds(10));
      assertThat(pids).hasSize(1);
      // left running, as with nohup: only a timeout or a cancel kills the tree
      assertThat(ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive)).contains(true);
    } finally {
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  @Test
  void timeoutKillsProcessesThatLeftTheTree() {
    assumeTrue(Files.isDirectory(Path.of("/proc")), "the run mark is found through /proc");
    // the sub-shell exits at once: its sleep is re-parented and no longer a descendant
    Script script = script(Shell.SH, "sh -c 'sleep 300 & echo \"$!\"'\nsleep 300\n");

    ExecutionResult result =
        awaitResult(
            start(request(script, Map.of(), Duration.ofSeconds(1), true, OutputPolicy.DEFAULT)));

    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    List<Long> pids = pids(result.stdout().text());
    assertThat(pids).hasSize(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void cancelRightAfterStartLeavesNoProcessBehind() {
    // a unique argument marks this test's processes, whatever their parent
    String nonce = "300." + (System.nanoTime() % 1_000_000_000L);
    List<Execution> runs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Execution execution = start(plain(script(Shell.SH, "sleep " + nonce + "\necho never")));
      runs.add(execution);
      if (i % 2 == 1) {
        // let some of them get as far as forking their child
        Thread.onSpinWait();
      }
      assertThat(execution.cancel()).isTrue();
    }

    for (Execution execution : runs) {
      assertThat(awaitResult(execution).outcome()).isEqualTo(Outcome.CANCELLED);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(processesWithArgument(nonce)).isEmpty());
  }

  private static List<ProcessHandle> processesWithArgument(String argument) {
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(
            h ->
                h.info().arguments().map(a -> List.of(a).contains(argument)).orElse(false)
                    || h.info().commandLine().map(c -> c.endsWith(" " + argument)).orElse(false))
        .toList();
  }

  @Test
  void clockSetBackDuringARunStillGivesAValidResult() {
    Clock backwards = new BackwardsClock(Instant.parse("2031-06-01T12:00:00Z"));
    try (LocalProcessTransport local = LocalProcessTransport.builder().clock(backwards).build()) {

      ExecutionResult result = runOn(local, plain(script(Shell.SH, "echo ok")));

      assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
      assertThat(result.finishedAt()).isEqualTo(result.startedAt());
    }
  }

  // ------------------------------------------------------------------------ close

  @Test
  void closeKillsRunningScriptsAndCompletesTheirResults() throws IOException {
    Path pidFile = temp.resolve("pid");
    Path detachedPidFile = temp.resolve("detached-pid");
    LocalProcessTransport local =
        LocalProcessTransport.builder().clock(clock()).killGrace(KILL_GRACE).build();
    Execution running =
        local.execute(
            request(
                script(
                    Shell.SH,
                    "echo \"$$\" > '"
                        + pidFile
                        + ".tmp'\n"
                        + "mv '"
                        + pidFile
                        + ".tmp' '"
                        + pidFile
                        + "'\nsleep 300"),
                Map.of(),
                Duration.ofSeconds(60),
                true,
                OutputPolicy.DEFAULT));
    Execution detached =
        local.execute(
            request(
                script(
                    Shell.SH,
                    "echo \"$$\" > '"
                        + detachedPidFile
                        + ".tmp'\n"
                        + "mv '"
                        + detachedPidFile
                        + ".tmp' '"
                        + detachedPidFile
                        + "'\nsleep 300"),
                Map.of(),
                Duration.ofMillis(300),
                false,
                OutputPolicy.DEFAULT));
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile));
    ExecutionResult detachedResult = awaitResult(detached);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(detachedPidFile));
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    long detachedPid = Long.parseLong(Files.readString(detachedPidFile).strip());

    local.close();

    assertThat(running.result()).isCompleted();
    assertThat(running.result().getNow(null).outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(detachedResult.outcome()).isEqualTo(Outcome.TIMED_OUT);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false
                    && ProcessHandle.of(detachedPid).map(ProcessHandle::isAlive).orElse(false)
                        == false);
    ExecutionResult afterClose = runOn(local, plain(script(Shell.SH, "echo hi")));
    assertThat(afterClose.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(afterClose.error()).isEqualTo("transport is closed");
    local.close();
  }

  // ------------------------------------------------------------------------ builder

  @Test
  void builderHasDefaultsAndRejectsBadSettings() {
    try (LocalProcessTransport local = LocalProcessTransport.builder().build()) {
      assertThat(local.name()).isEqualTo("local");
    }
    try (LocalProcessTransport named = LocalProcessTransport.builder().name("here").build()) {
      assertThat(named.name()).isEqualTo("here");
    }
    assertThatThrownBy(() -> LocalProcessTransport.builder().name(" ").build())
        .isInstanceOf(ValidationException.class)
        .hasMessage("name must not be blank, but was \" \"");
    assertThatThrownBy(() -> LocalProcessTransport.builder().killGrace(Duration.ZERO).build())
        .isInstanceOf(ValidationException.class)
        .hasMessage("killGrace must be positive, but was PT0S");
    assertThatThrownBy(
            () -> LocalProcessTransport.builder().environment(Map.of("BAD-NAME", "v")).build())
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "environment must have names matching [A-Za-z_][A-Za-z0-9_]*, but was \"BAD-NAME\"");
    assertThatThrownBy(() -> LocalProcessTransport.builder().clock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
    try (LocalProcessTransport local = LocalProcessTransport.builder().build()) {
      assertThatThrownBy(() -> local.execute(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("request");
    }
  }

  /** A clock whose every reading is an hour before the one before. */
  private static final class BackwardsClock extends Clock {
    private Instant next;

    BackwardsClock(Instant start) {
      this.next = start;
    }

    @Override
    public synchronized Instant instant() {
      Instant current = next;
      next = next.minus(Duration.ofHours(1));
      return current;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
