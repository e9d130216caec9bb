package io.scripttask.scheduler.internal.process;

import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Shell;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Turns a {@link Script} into the text of a script file for its interpreter.
 *
 * <p>A body is written as it is. A command list becomes one file that runs the commands in order in
 * one interpreter process (so variables and the working directory carry from one command to the
 * next):
 *
 * <ul>
 *   <li>{@code sh}/{@code bash}: each command on its own line; with {@code stopOnFailure} each is
 *       followed by a line that exits with the command's status when it is not 0. The check is on a
 *       line of its own so that a command ending in a comment, {@code ;} or {@code &} still works.
 *       Without it the commands simply follow each other and the exit code is the last command's.
 *   <li>{@code python3}: a small driver {@code exec}s each command (hex-encoded in the file, so no
 *       quoting can break) in one shared namespace. A command that raises fails: its traceback goes
 *       to stderr and its status is 1; {@code sys.exit(n)} ends the whole run with {@code n}, as
 *       {@code exit n} does in a shell. With {@code stopOnFailure} the first failure ends the run
 *       with 1; otherwise the exit code is the last command's status.
 *   <li>PowerShell: each command is followed by a line that records its status ({@code 0} when
 *       {@code $?} is true, else {@code $LASTEXITCODE} or 1), exiting with it under {@code
 *       stopOnFailure}; the file ends by exiting with the last status.
 *   <li>{@code cmd}: {@code @echo off}, then each command followed by an {@code errorlevel} check
 *       under {@code stopOnFailure}; the file ends with {@code exit /b %errorlevel%}.
 * </ul>
 *
 * <p>Environment variables are never written into the text: the transport hands them to the process
 * environment.
 */
public final class ScriptRenderer {

  /** The shell variable that holds a command's status between the command and its check. */
  static final String SHELL_STATUS_VARIABLE = "scripttask_status_";

  private ScriptRenderer() {}

  /**
   * The text of a script file and the file name suffix its interpreter expects.
   *
   * @param suffix the file name suffix, with its dot
   * @param text the file's text
   */
  public record Rendered(String suffix, String text) {}

  /**
   * Renders a script.
   *
   * @param script the script
   * @return the file text and its suffix
   * @throws NullPointerException if script is null
   */
  public static Rendered render(Script script) {
    Objects.requireNonNull(script, "script");
    Shell shell = script.shell();
    String suffix = suffix(shell);
    if (!script.isCommandList()) {
      return new Rendered(suffix, script.content());
    }
    List<String> commands = script.commands();
    boolean stop = script.stopOnFailure();
    String text =
        switch (shell) {
          case SH, BASH -> posixList(commands, stop);
          case PYTHON -> pythonList(commands, stop);
          case POWERSHELL -> powershellList(commands, stop);
          case CMD -> cmdList(commands, stop);
        };
    return new Rendered(suffix, text);
  }

  private static String suffix(Shell shell) {
    return switch (shell) {
      case SH, BASH -> ".sh";
      case PYTHON -> ".py";
      case POWERSHELL -> ".ps1";
      case CMD -> ".cmd";
    };
  }

  private static String posixList(List<String> commands, boolean stop) {
    StringBuilder out = new StringBuilder();
    for (String command : commands) {
      out.append(command).append('\n');
      if (stop) {
        String v = SHELL_STATUS_VARIABLE;
        out.append(v)
            .append("=$?; if [ \"$")
            .append(v)
            .append("\" -ne 0 ]; then exit \"$")
            .append(v)
            .append("\"; fi\n");
      }
    }
    return out.toString();
  }

  private static String pythonList(List<String> commands, boolean stop) {
    HexFormat hex = HexFormat.of();
    StringBuilder out = new StringBuilder();
    out.append("import sys as _st_sys, traceback as _st_traceback\n");
    out.append("_st_commands = [\n");
    for (String command : commands) {
      out.append("    bytes.fromhex('")
          .append(hex.formatHex(command.getBytes(StandardCharsets.UTF_8)))
          .append("').decode('utf-8'),\n");
    }
    out.append("]\n");
    out.append("_st_stop = ").append(stop ? "True" : "False").append('\n');
    out.append(
        """
        _st_namespace = {'__name__': '__main__', '__builtins__': __builtins__}
        _st_status = 0
        for _st_index, _st_source in enumerate(_st_commands):
            try:
                exec(compile(_st_source, '<command %d>' % (_st_index + 1), 'exec'), _st_namespace)
                _st_status = 0
            except SystemExit:
                raise
            except BaseException:
                _st_sys.stdout.flush()
                _st_traceback.print_exc()
                _st_status = 1
                if _st_stop:
                    break
        _st_sys.exit(_st_status)
        """);
    return out.toString();
  }

  private static String powershellList(List<String> commands, boolean stop) {
    StringBuilder out = new StringBuilder();
    out.append("$scripttaskStatus = 0\n");
    for (String command : commands) {
      out.append("$global:LASTEXITCODE = 0\n");
      out.append(command).append('\n');
      out.append(
          "$scripttaskStatus = if ($?) { 0 } elseif ($LASTEXITCODE) { $LASTEXITCODE } else { 1"
              + " }\n");
      if (stop) {
        out.append("if ($scripttaskStatus -ne 0) { exit $scripttaskStatus }\n");
      }
    }
    out.append("exit $scripttaskStatus\n");
    return out.toString();
  }

  private static String cmdList(List<String> commands, boolean stop) {
    StringBuilder out = new StringBuilder("@echo off\r\n");
    for (String command : commands) {
      out.append(command).append("\r\n");
      if (stop) {
        out.append("if %errorlevel% neq 0 exit /b %errorlevel%\r\n");
      }
    }
    out.append("exit /b %errorlevel%\r\n");
    return out.toString();
  }
}
