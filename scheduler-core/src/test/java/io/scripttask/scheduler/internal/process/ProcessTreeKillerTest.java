package io.scripttask.scheduler.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessTreeKillerTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void findsTheMarkAsAWholeEnvironmentEntryOnly() {
    byte[] mark = bytes("SCRIPTTASK_RUN_MARK=abc");

    assertThat(ProcessTreeKiller.holdsEntry(bytes("A=1\0SCRIPTTASK_RUN_MARK=abc\0B=2\0"), mark))
        .isTrue();
    assertThat(ProcessTreeKiller.holdsEntry(bytes("SCRIPTTASK_RUN_MARK=abc"), mark)).isTrue();
    assertThat(ProcessTreeKiller.holdsEntry(bytes("SCRIPTTASK_RUN_MARK=abcd\0"), mark)).isFalse();
    assertThat(ProcessTreeKiller.holdsEntry(bytes("X_SCRIPTTASK_RUN_MARK=abc\0"), mark)).isFalse();
    assertThat(ProcessTreeKiller.holdsEntry(bytes("V=SCRIPTTASK_RUN_MARK=abc\0"), mark)).isFalse();
    assertThat(ProcessTreeKiller.holdsEntry(new byte[0], mark)).isFalse();
  }

  @Test
  void killsAFinishedTreeWithoutComplaint() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");
    Process p = new ProcessBuilder("/bin/sh", "-c", "exit 0").start();
    p.waitFor();
    ProcessTreeKiller killer = new ProcessTreeKiller(p.toHandle(), null);

    killer.terminate();
    killer.forceKill();

    assertThat(killer.anyAlive()).isFalse();
  }
}
