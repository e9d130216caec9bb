package io.scripttask.scheduler;

/**
 * How much of a job's standard output and standard error is kept. Output over the cap keeps its
 * head and its tail (half the cap each) and is flagged as truncated, so neither the first error nor
 * the final summary is lost.
 *
 * @param store whether output is kept at all (the "Module 4 Tasks" seed's output storage
 *     preference); when false only the exit code and timings are recorded
 * @param maxBytes the most bytes kept per stream, at least 2
 */
public record OutputPolicy(boolean store, int maxBytes) {

  /** The default cap per stream: 64 KiB. */
  public static final int DEFAULT_MAX_BYTES = 64 * 1024;

  /** Keep up to 64 KiB per stream, head and tail. */
  public static final OutputPolicy DEFAULT = new OutputPolicy(true, DEFAULT_MAX_BYTES);

  /** Keep no output. */
  public static final OutputPolicy DISCARD = new OutputPolicy(false, DEFAULT_MAX_BYTES);

  /**
   * Validates the policy.
   *
   * @throws ValidationException if {@code maxBytes} is below 2
   */
  public OutputPolicy {
    if (maxBytes < 2) {
      throw new ValidationException("maxBytes", "be at least 2", maxBytes);
    }
  }

  /**
   * A policy that keeps up to {@code maxBytes} per stream.
   *
   * @param maxBytes the cap per stream
   * @return the policy
   * @throws ValidationException if {@code maxBytes} is below 2
   */
  public static OutputPolicy cappedAt(int maxBytes) {
    return new OutputPolicy(true, maxBytes);
  }
}
