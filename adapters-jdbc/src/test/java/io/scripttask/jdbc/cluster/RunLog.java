package io.scripttask.jdbc.cluster;

import io.scripttask.scheduler.spi.ExecutionRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RecordingTransport.Recorder} for child JVMs: one line per run start and end, written
 * through to the file at once, so the lines of a process killed with {@code kill -9} are there. The
 * parent test reads the files with {@link #read(Path)}.
 */
final class RunLog implements RecordingTransport.Recorder {

  /** A line: a run started or ended. */
  record Entry(
      boolean start,
      String instance,
      String executionId,
      String nodeId,
      Instant at,
      boolean cancelled) {

    /**
     * @return the attempt of the run
     */
    int attempt() {
      return Integer.parseInt(executionId.substring(executionId.lastIndexOf('#') + 1));
    }
  }

  private final Clock clock = Clock.systemUTC();
  private final Writer out;
  private final String instance;

  /**
   * @param file the file, appended to
   * @param instance the instance id written on each line
   * @throws IOException if the file cannot be opened
   */
  RunLog(Path file, String instance) throws IOException {
    this.out =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    this.instance = instance;
  }

  @Override
  public void started(ExecutionRequest request, long startNanos) {
    write(
        "START "
            + instance
            + " "
            + request.executionId()
            + " "
            + request.node().id()
            + " "
            + clock.instant()
            + " false");
  }

  @Override
  public void ended(ExecutionRequest request, long startNanos, long endNanos, boolean cancelled) {
    write(
        "END "
            + instance
            + " "
            + request.executionId()
            + " "
            + request.node().id()
            + " "
            + clock.instant()
            + " "
            + cancelled);
  }

  private synchronized void write(String line) {
    try {
      out.write(line + "\n");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param file a file written by run logs, or missing
   * @return its entries in order
   * @throws IOException if it cannot be read
   */
  static List<Entry> read(Path file) throws IOException {
    List<Entry> entries = new ArrayList<>();
    if (!Files.exists(file)) {
      return entries;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f.length != 6) {
        continue; // a line cut short by a kill
      }
      entries.add(
          new Entry(
              f[0].equals("START"),
              f[1],
              f[2],
              f[3],
              Instant.parse(f[4]),
              Boolean.parseBoolean(f[5])));
    }
    return entries;
  }
}
