package io.scripttask.scheduler.spi;

import java.util.Objects;

/**
 * One stream of a run's output as kept under an {@link io.scripttask.scheduler.OutputPolicy}.
 *
 * @param text the kept text (head and tail joined by a marker line when truncated)
 * @param truncated whether bytes were dropped from the middle
 * @param totalBytes how many bytes the stream produced in all
 */
public record CapturedOutput(String text, boolean truncated, long totalBytes) {

  /** No output. */
  public static final CapturedOutput EMPTY = new CapturedOutput("", false, 0);

  /**
   * Validates the output.
   *
   * @throws NullPointerException if text is null
   * @throws IllegalArgumentException if totalBytes is negative
   */
  public CapturedOutput {
    Objects.requireNonNull(text, "text");
    if (totalBytes < 0) {
      throw new IllegalArgumentException("totalBytes must be >= 0, but was " + totalBytes);
    }
  }
}
