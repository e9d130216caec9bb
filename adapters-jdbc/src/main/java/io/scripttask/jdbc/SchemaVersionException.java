package io.scripttask.jdbc;

import io.scripttask.scheduler.SchedulerException;

/**
 * Thrown when the database holds a schema that this version of the library cannot use: one migrated
 * by a newer version (whose tables this code may misread), or, when migrations do not run on start,
 * one that is older than this code needs.
 */
public class SchemaVersionException extends SchedulerException {
  private static final long serialVersionUID = 1L;

  private final int databaseVersion;
  private final int codeVersion;

  /**
   * Creates the exception.
   *
   * @param tablePrefix the table prefix of the schema
   * @param databaseVersion the schema version the database holds
   * @param codeVersion the schema version this code knows
   */
  public SchemaVersionException(String tablePrefix, int databaseVersion, int codeVersion) {
    super(message(tablePrefix, databaseVersion, codeVersion));
    this.databaseVersion = databaseVersion;
    this.codeVersion = codeVersion;
  }

  private static String message(String prefix, int database, int code) {
    String table = prefix + "schema_version";
    if (database > code) {
      return "schema version must be at most "
          + code
          + " (the newest this ScriptTask version knows), but was "
          + database
          + " in "
          + table
          + ": the database was migrated by a newer ScriptTask; upgrade this application";
    }
    return "schema version must be "
        + code
        + ", but was "
        + database
        + " in "
        + table
        + ": run JdbcStore.migrate() (or build the store with migrateOnStart(true))";
  }

  /**
   * @return the schema version the database holds (0 when it holds no schema)
   */
  public int databaseVersion() {
    return databaseVersion;
  }

  /**
   * @return the schema version this code knows
   */
  public int codeVersion() {
    return codeVersion;
  }
}
