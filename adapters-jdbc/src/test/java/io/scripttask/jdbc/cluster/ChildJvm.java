package io.scripttask.jdbc.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A separate JVM running one of this package's main classes, on this JVM's class path: its standard
 * output is read line by line (and copied to {@code <name>.out}), its standard error goes to {@code
 * <name>.err}, and lines can be sent to its standard input. {@link #kill()} ends it as {@code kill
 * -9} would.
 */
final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final PrintWriter stdin;
  private final List<String> lines = new ArrayList<>();
  private final Path err;

  private ChildJvm(String name, Process process, Path out, Path err) throws IOException {
    this.name = name;
    this.process = process;
    this.err = err;
    this.stdin =
        new PrintWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    Writer copy = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  copy) {
                String line;
                while ((line = r.readLine()) != null) {
                  copy.write(line + "\n");
                  copy.flush();
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException e) {
                // the process died; what was read stays
              }
            },
            "child-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code main} in a new JVM.
   *
   * @param name a name for its files and threads
   * @param main the main class
   * @param dir where its output files go
   * @param args its arguments
   * @return the running child
   * @throws IOException if it cannot be started
   */
  static ChildJvm start(String name, Class<?> main, Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    // extra options for a look inside the children (a profiler, say), space-separated; {name}
    // stands for the child's name
    for (String extra : System.getProperty("scripttask.childJvmArgs", "").split(" ")) {
      if (!extra.isBlank()) {
        command.add(extra.replace("{name}", name));
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process p =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(err.toFile())).start();
    return new ChildJvm(name, p, out, err);
  }

  /**
   * Waits for a line of its standard output.
   *
   * @param which the line wanted
   * @param timeout how long to wait
   * @return the first line (from the start) that matches
   * @throws IllegalStateException if no such line came in time or the process ended first, with the
   *     end of its standard error
   */
  String await(Predicate<String> which, Duration timeout) throws InterruptedException {
    return await(0, which, timeout);
  }

  /**
   * Waits for the next line of its standard output starting with {@code prefix}, after every line
   * seen so far.
   *
   * @param prefix what the line starts with
   * @param timeout how long to wait
   * @return the line
   */
  String awaitNext(String prefix, Duration timeout) throws InterruptedException {
    int from;
    synchronized (lines) {
      from = lines.size();
    }
    return await(from, l -> l.startsWith(prefix), timeout);
  }

  private String await(int from, Predicate<String> which, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = from;
    boolean deadSeen = false;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (which.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || deadSeen) {
          throw new IllegalStateException(
              "child "
                  + name
                  + (process.isAlive() ? " printed no such line in " + timeout : " ended")
                  + "; its standard error ends with:\n"
                  + errTail());
        }
        if (!process.isAlive()) {
          deadSeen = true; // one more look after the reader took the last lines
          lines.wait(300);
          continue;
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
      }
    }
  }

  /**
   * Sends a line to its standard input.
   *
   * @param line the line
   */
  void send(String line) {
    stdin.println(line);
  }

  /** Ends the process at once, as {@code kill -9}: no shutdown hook, no finally block runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * @param timeout how long to wait
   * @return its exit code
   * @throws IllegalStateException if it did not end in time
   */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "child " + name + " did not end in " + timeout + "; stderr:\n" + errTail());
    }
    return process.exitValue();
  }

  /**
   * @return the last lines of its standard error
   */
  String errTail() {
    try {
      List<String> all = Files.readAllLines(err, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
