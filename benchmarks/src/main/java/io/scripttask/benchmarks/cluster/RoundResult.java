package io.scripttask.benchmarks.cluster;

/**
 * One timed round of {@link ClusterThroughput}.
 *
 * @param executions how many executions the round drained
 * @param nanos wall-clock time from the first start to the last completion
 * @param cpuNanos process CPU time in the same span (all threads of this JVM, not the database)
 * @param verified whether the exactly-once check passed
 * @param check what the check found
 */
record RoundResult(int executions, long nanos, long cpuNanos, boolean verified, String check) {

  /**
   * @return executions per second
   */
  double rate() {
    return executions / (nanos / 1e9);
  }

  /**
   * @return JVM CPU microseconds per execution
   */
  double cpuMicrosPerExecution() {
    return cpuNanos / 1e3 / executions;
  }
}
