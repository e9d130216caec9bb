/**
 * Cluster, crash and restart tests of the JDBC store on real databases: several scheduler instances
 * on one PostgreSQL, instances in separate JVMs killed mid-run, a single instance on an H2 file
 * killed and restarted, and a PostgreSQL stopped and started under a running scheduler. The
 * child-process main classes these tests launch live here too.
 */
package io.scripttask.jdbc.cluster;
