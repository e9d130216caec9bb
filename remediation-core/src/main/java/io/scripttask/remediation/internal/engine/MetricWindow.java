package io.scripttask.remediation.internal.engine;

/**
 * The state of a metric threshold trigger for one (workflow, node): the last {@code n} samples'
 * verdicts and whether the trigger is armed. It fires when armed and at least {@code m} of the last
 * {@code n} samples were bad; then it disarms, and re-arms (with an empty window) on the first
 * sample for which the clear condition holds. Not thread-safe: the engine guards it.
 */
public final class MetricWindow {
  private final int m;
  private final boolean[] bad;
  private int size;
  private int next;
  private int badCount;
  private boolean armed = true;

  /**
   * @param m bad samples that fire
   * @param n the window
   */
  public MetricWindow(int m, int n) {
    this.m = m;
    this.bad = new boolean[n];
  }

  /**
   * Takes one sample's verdicts.
   *
   * @param isBad whether the fire condition held
   * @param isClear whether the clear condition held
   * @return whether the trigger fires now
   */
  public boolean offer(boolean isBad, boolean isClear) {
    if (!armed) {
      if (isClear) {
        armed = true;
        reset();
      }
      return false;
    }
    if (size == bad.length) {
      if (bad[next]) {
        badCount--;
      }
    } else {
      size++;
    }
    bad[next] = isBad;
    if (isBad) {
      badCount++;
    }
    next = (next + 1) % bad.length;
    if (badCount >= m) {
      armed = false;
      reset();
      return true;
    }
    return false;
  }

  /**
   * @return whether the trigger can fire
   */
  public boolean armed() {
    return armed;
  }

  /**
   * @return how many of the samples in the window were bad
   */
  public int badSamples() {
    return badCount;
  }

  private void reset() {
    size = 0;
    next = 0;
    badCount = 0;
    java.util.Arrays.fill(bad, false);
  }
}
