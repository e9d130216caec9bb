/**
 * JDBC stores for the scheduler and remediation cores, on H2 (embedded default), PostgreSQL and
 * MariaDB/MySQL, with versioned schema migrations and cluster mode.
 */
package io.scripttask.jdbc;
