package io.scripttask.scheduler.internal.process;

import io.scripttask.scheduler.Shell;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the interpreter of a {@link Shell} on this host and says how to run a script file with it.
 *
 * <p>Interpreters are looked up on the {@code PATH} the script itself will get (not the JVM's), and
 * run by absolute path:
 *
 * <ul>
 *   <li>{@link Shell#SH}: {@code /bin/sh}, else {@code sh} on the PATH;
 *   <li>{@link Shell#BASH}: {@code bash};
 *   <li>{@link Shell#PYTHON}: {@code python3} (on Windows also {@code python});
 *   <li>{@link Shell#POWERSHELL}: {@code pwsh -NoProfile -NonInteractive -File} (on Windows also
 *       Windows PowerShell, {@code powershell -ExecutionPolicy Bypass ...});
 *   <li>{@link Shell#CMD}: {@code cmd /d /c}, on Windows only.
 * </ul>
 */
public final class Interpreters {

  private Interpreters() {}

  /**
   * How to run a script file, or why it cannot be run.
   *
   * @param command the interpreter and its arguments, to which the script file is appended; empty
   *     when {@code error} is set
   * @param error why no interpreter was found, or null
   */
  public record Resolution(List<String> command, String error) {

    /**
     * Copies the command.
     *
     * @throws NullPointerException if command is null
     */
    public Resolution {
      command = List.copyOf(Objects.requireNonNull(command, "command"));
    }

    static Resolution of(String... command) {
      return new Resolution(List.of(command), null);
    }

    static Resolution missing(String error) {
      return new Resolution(List.of(), error);
    }

    /**
     * @return whether an interpreter was found
     */
    public boolean found() {
      return error == null;
    }
  }

  /**
   * Finds the interpreter of {@code shell}.
   *
   * @param shell the shell
   * @param path the PATH the script will get, or null for none
   * @param windows whether this host runs Windows
   * @return the command, or the reason it is missing (for example {@code "pwsh not found on PATH"})
   * @throws NullPointerException if shell is null
   */
  public static Resolution resolve(Shell shell, String path, boolean windows) {
    Objects.requireNonNull(shell, "shell");
    switch (shell) {
      case SH:
        {
          Path binSh = Path.of("/bin/sh");
          if (!windows && Files.isExecutable(binSh)) {
            return Resolution.of(binSh.toString());
          }
          return find("sh", path, windows)
              .map(Resolution::of)
              .orElseGet(() -> Resolution.missing("sh not found on PATH"));
        }
      case BASH:
        return find("bash", path, windows)
            .map(Resolution::of)
            .orElseGet(() -> Resolution.missing("bash not found on PATH"));
      case PYTHON:
        {
          Optional<String> python = find("python3", path, windows);
          if (python.isEmpty() && windows) {
            python = find("python", path, true);
          }
          return python
              .map(Resolution::of)
              .orElseGet(() -> Resolution.missing("python3 not found on PATH"));
        }
      case POWERSHELL:
        {
          Optional<String> pwsh = find("pwsh", path, windows);
          if (pwsh.isPresent()) {
            return Resolution.of(pwsh.get(), "-NoProfile", "-NonInteractive", "-File");
          }
          if (windows) {
            Optional<String> legacy = find("powershell", path, true);
            if (legacy.isPresent()) {
              return Resolution.of(
                  legacy.get(),
                  "-NoProfile",
                  "-NonInteractive",
                  "-ExecutionPolicy",
                  "Bypass",
                  "-File");
            }
          }
          return Resolution.missing("pwsh not found on PATH");
        }
      case CMD:
        {
          if (!windows) {
            return Resolution.missing("cmd is only available on Windows");
          }
          return find("cmd", path, true)
              .map(p -> Resolution.of(p, "/d", "/c"))
              .orElseGet(() -> Resolution.missing("cmd not found on PATH"));
        }
      default:
        throw new AssertionError(shell);
    }
  }

  /**
   * Looks a program up on a PATH.
   *
   * @param name the program's name
   * @param path the PATH, or null
   * @param windows whether to try the Windows executable suffixes too
   * @return the absolute path of the first executable file of that name, if any
   */
  static Optional<String> find(String name, String path, boolean windows) {
    if (path == null || path.isEmpty()) {
      return Optional.empty();
    }
    List<String> names =
        windows ? List.of(name + ".exe", name + ".cmd", name + ".bat", name) : List.of(name);
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      for (String candidate : names) {
        try {
          Path file = Path.of(dir, candidate);
          if (file.isAbsolute() && Files.isRegularFile(file) && Files.isExecutable(file)) {
            return Optional.of(file.toString());
          }
        } catch (InvalidPathException e) {
          // a PATH entry that is not a path on this file system cannot hold the program
        }
      }
    }
    return Optional.empty();
  }
}
