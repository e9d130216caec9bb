package io.scripttask.jdbc.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server that a test starts, stops and starts again itself: its own data directory in
 * a temporary directory, its own port on 127.0.0.1, trust authentication, user {@code postgres},
 * run from the installed binaries ({@code initdb}, {@code pg_ctl}). PostgreSQL refuses to run as
 * root, so when this JVM runs as root the binaries run as the {@code postgres} OS user through
 * {@code runuser}, in a directory that user owns.
 *
 * <p>The binaries are taken from {@code SCRIPTTASK_TEST_PG_BIN} when set, otherwise from the newest
 * {@code /usr/lib/postgresql/<version>/bin}.
 */
final class LocalPostgres implements AutoCloseable {

  private static final String OS_USER = "postgres";

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;
  private final boolean asPostgres;

  private LocalPostgres(Path bin, Path dir, int port, boolean asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /**
   * @return why a local server cannot be started here, or empty if it can
   */
  static Optional<String> unavailable() {
    Optional<Path> bin = binaries();
    if (bin.isEmpty()) {
      return Optional.of(
          "no PostgreSQL binaries (initdb, pg_ctl): SCRIPTTASK_TEST_PG_BIN is not set and no"
              + " /usr/lib/postgresql/<version>/bin has them; install the postgresql package");
    }
    if (isRoot()) {
      if (!Files.isExecutable(Path.of("/usr/sbin/runuser"))
          && !Files.isExecutable(Path.of("/sbin/runuser"))) {
        return Optional.of(
            "running as root, and runuser (to run PostgreSQL as postgres) is missing");
      }
      try {
        Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
      } catch (UserPrincipalNotFoundException e) {
        return Optional.of("running as root, and there is no OS user 'postgres' to run PostgreSQL");
      } catch (IOException e) {
        return Optional.of("cannot look up the OS user 'postgres': " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static Optional<Path> binaries() {
    String env = System.getenv("SCRIPTTASK_TEST_PG_BIN");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      return Files.isExecutable(p.resolve("initdb")) ? Optional.of(p) : Optional.empty();
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("initdb"))
                      && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparingInt(LocalPostgres::version));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int version(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Creates a data directory and starts a server on a free port.
   *
   * @return the running server; close it to stop it and delete its files
   * @throws IllegalStateException if {@link #unavailable()} says why not
   */
  static LocalPostgres start() throws IOException, InterruptedException {
    Optional<String> why = unavailable();
    if (why.isPresent()) {
      throw new IllegalStateException(why.get());
    }
    Path dir = Files.createTempDirectory("cit-pg-");
    boolean asPostgres = isRoot();
    if (asPostgres) {
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal user = users.lookupPrincipalByName(OS_USER);
      GroupPrincipal group = users.lookupPrincipalByGroupName(OS_USER);
      PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
      view.setOwner(user);
      view.setGroup(group);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    LocalPostgres pg = new LocalPostgres(binaries().orElseThrow(), dir, port, asPostgres);
    try {
      pg.run(
          pg.bin.resolve("initdb").toString(),
          "-D",
          pg.data.toString(),
          "-U",
          "postgres",
          "-A",
          "trust",
          "-E",
          "UTF8",
          "--no-sync");
      pg.startServer();
    } catch (IOException | RuntimeException e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  /**
   * @return the JDBC URL of the server
   */
  String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  /** Starts the server (again), waiting until it accepts connections. */
  void startServer() throws IOException, InterruptedException {
    run(
        bin.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
        "-w",
        "-t",
        "60",
        "start");
  }

  /** Stops the server as an operator would for a restart: fast (open sessions are cut). */
  void stopServer() throws IOException, InterruptedException {
    run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
  }

  private void run(String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    full.addAll(List.of(command));
    Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", full) + " did not end in 90 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", full)
              + " failed with exit code "
              + p.exitValue()
              + ":\n"
              + new String(out, StandardCharsets.UTF_8)
              + serverLog());
    }
  }

  private String serverLog() {
    Path log = dir.resolve("server.log");
    try {
      return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops the server if it runs and deletes its files. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-m",
            "immediate",
            "-w",
            "stop");
      }
    } catch (IllegalStateException e) {
      // already stopped
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder())
            .forEach(
                f -> {
                  try {
                    Files.deleteIfExists(f);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      }
    }
  }
}
