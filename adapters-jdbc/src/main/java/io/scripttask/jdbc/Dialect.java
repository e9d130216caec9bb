package io.scripttask.jdbc;

/**
 * The databases the JDBC stores run on. {@link JdbcStore#of(javax.sql.DataSource)} detects the
 * dialect from the connection's metadata; {@link JdbcStore.Builder#dialect(Dialect)} overrides it.
 */
public enum Dialect {
  /** PostgreSQL 12 or later. */
  POSTGRESQL("postgresql", "PostgreSQL", 12, 0),
  /** MariaDB 10.6 or later. */
  MARIADB("mariadb", "MariaDB", 10, 6),
  /** MySQL 8.0 or later. */
  MYSQL("mysql", "MySQL", 8, 0),
  /** H2 2.x, embedded (a file or in memory) or as a server. */
  H2("h2", "H2", 2, 0);

  private final String folder;
  private final String productName;
  private final int minMajor;
  private final int minMinor;

  Dialect(String folder, String productName, int minMajor, int minMinor) {
    this.folder = folder;
    this.productName = productName;
    this.minMajor = minMajor;
    this.minMinor = minMinor;
  }

  /**
   * @return the folder of this dialect's migrations under {@code io/scripttask/jdbc/migrations/}
   */
  public String folder() {
    return folder;
  }

  /**
   * @return the database's name, as people write it
   */
  public String productName() {
    return productName;
  }

  /**
   * @return the oldest supported version, as "major.minor"
   */
  public String minimumVersion() {
    return minMajor + "." + minMinor;
  }

  /**
   * Tells whether a server version is supported.
   *
   * @param major the server's major version
   * @param minor the server's minor version
   * @return whether it is at least {@link #minimumVersion()}
   */
  public boolean supports(int major, int minor) {
    return major > minMajor || (major == minMajor && minor >= minMinor);
  }

  /**
   * @return whether this is MariaDB or MySQL, which share most of their SQL
   */
  public boolean isMySqlFamily() {
    return this == MARIADB || this == MYSQL;
  }
}
