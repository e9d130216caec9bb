package io.scripttask.scheduler.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scripttask.scheduler.Shell;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterpretersTest {

  @TempDir Path temp;

  @BeforeEach
  void posixOnly() {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "executable bits are POSIX");
  }

  private Path program(Path dir, String name, String mode) throws IOException {
    Files.createDirectories(dir);
    Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void findsPwshOnTheScriptsPathAndRunsItWithoutProfile() throws IOException {
    Path pwsh = program(temp.resolve("bin"), "pwsh", "rwxr-xr-x");

    Interpreters.Resolution r =
        Interpreters.resolve(Shell.POWERSHELL, temp.resolve("bin").toString(), false);

    assertThat(r.found()).isTrue();
    assertThat(r.command())
        .containsExactly(pwsh.toString(), "-NoProfile", "-NonInteractive", "-File");
  }

  @Test
  void takesTheFirstExecutableMatchInPathOrder() throws IOException {
    program(temp.resolve("a"), "bash", "rw-r--r--");
    Path second = program(temp.resolve("b"), "bash", "rwx------");
    program(temp.resolve("c"), "bash", "rwx------");
    String path =
        String.join(
            File.pathSeparator,
            temp.resolve("a").toString(),
            temp.resolve("b").toString(),
            temp.resolve("c").toString());

    assertThat(Interpreters.resolve(Shell.BASH, path, false).command())
        .containsExactly(second.toString());
  }

  @Test
  void ignoresRelativeAndEmptyPathEntries() throws IOException {
    program(temp.resolve("rel"), "python3", "rwxr-xr-x");
    String path = File.pathSeparator + "rel" + File.pathSeparator + ".";

    Interpreters.Resolution r = Interpreters.resolve(Shell.PYTHON, path, false);

    assertThat(r.found()).isFalse();
    assertThat(r.error()).isEqualTo("python3 not found on PATH");
    assertThat(r.command()).isEmpty();
  }

  @Test
  void reportsEachMissingInterpreterByName() {
    String empty = temp.toString();

    assertThat(Interpreters.resolve(Shell.BASH, empty, false).error())
        .isEqualTo("bash not found on PATH");
    assertThat(Interpreters.resolve(Shell.POWERSHELL, null, false).error())
        .isEqualTo("pwsh not found on PATH");
    assertThat(Interpreters.resolve(Shell.CMD, empty, false).error())
        .isEqualTo("cmd is only available on Windows");
  }

  @Test
  void shUsesBinShWhateverThePath() {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");

    assertThat(Interpreters.resolve(Shell.SH, null, false).command()).isEqualTo(List.of("/bin/sh"));
  }
}
