/**
 * Cluster benchmarks on PostgreSQL: executions per second with 1, 2 and 4 scheduler instances side
 * by side with db-scheduler, and fire lateness of three instances at 1,000 fires per second. Each
 * is a plain {@code main} harness run by {@code benchmarks/run-cluster-benchmarks.sh}.
 */
package io.scripttask.benchmarks.cluster;
