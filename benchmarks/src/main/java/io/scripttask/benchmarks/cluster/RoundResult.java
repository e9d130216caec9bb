package io.scripttask.benchmarks.cluster;

/**
 * One timed round of {@link ClusterThroughput}.
 *
 * @param executions how many executions the round drained
 * @param nanos wall-clock time from the first start to the last completion
 * @param cpuNanos process CPU time in the same span (all threads of this JVM, not the database)
 * @param dbCpuNanos CPU time of the PostgreSQL server's processes in the same span (its backends
 *     and background processes, from {@code /proc}), or -1 where it could not be read
 * @param verified whether the exactly-once check passed
 * @param check what the check found
 */
record RoundResult(
    int executions, long nanos, long cpuNanos, long dbCpuNanos, boolean verified, String check) {

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

  /**
   * @return PostgreSQL server CPU microseconds per execution, or NaN where unknown
   */
  double dbCpuMicrosPerExecution() {
    return dbCpuNanos < 0 ? Double.NaN : dbCpuNanos / 1e3 / executions;
  }
}
