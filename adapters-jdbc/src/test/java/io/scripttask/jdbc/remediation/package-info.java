/**
 * Tests of the JDBC remediation store: the remediation-core contract suite on H2 (in memory and
 * file), PostgreSQL and MariaDB, admission under concurrency across stores, and engines resuming
 * each other's executions.
 */
package io.scripttask.jdbc.remediation;
