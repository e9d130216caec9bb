package io.scripttask.jdbc;

import io.scripttask.jdbc.internal.Errors;
import io.scripttask.jdbc.internal.Migrations;
import io.scripttask.scheduler.ValidationException;
import java.io.Closeable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;

/**
 * The entry point of the JDBC stores: a database, its dialect, a table prefix and the versioned
 * schema. Its {@link #schedulerStore()} is the scheduler's durable store, its {@link
 * #remediationStore()} the remediation engine's:
 *
 * <pre>{@code
 * try (JdbcStore db = JdbcStore.h2(Path.of("data/scripttask"))) {     // embedded, no server
 *   Scheduler scheduler = Scheduler.builder().store(db.schedulerStore())...build();
 * }
 *
 * JdbcStore db = JdbcStore.builder(dataSource)                          // PostgreSQL, MariaDB, MySQL
 *     .tablePrefix("st_")
 *     .build();                                                          // migrates on start
 * }</pre>
 *
 * <p>On {@link Builder#build() start} the store detects the dialect from the connection's metadata
 * (unless one is given), checks the server's version, and applies the schema migrations the
 * database lacks ({@link #migrate()}); several instances may start at once. A database migrated by
 * a newer version of the library is refused with a {@link SchemaVersionException}.
 *
 * <p>A store made by {@link #h2(Path)} or {@link #h2InMemory(String)} owns its connection pool and
 * closes it in {@link #close()}; a store built on a caller's {@link DataSource} leaves it open.
 * Thread-safe.
 */
public final class JdbcStore implements Closeable {

  /** The default table prefix. */
  public static final String DEFAULT_TABLE_PREFIX = "scripttask_";

  /** The longest table prefix: every table and index name stays within the databases' limits. */
  public static final int MAX_TABLE_PREFIX_LENGTH = 24;

  /** How long the embedded H2 database waits for a row lock, in milliseconds. */
  public static final int H2_LOCK_TIMEOUT_MILLIS = 10_000;

  /**
   * Row locks wait up to 10 s; each connection keeps the plans of the store's statements; every
   * commit is written to the file at once ({@code WRITE_DELAY=0}: by default H2 keeps up to half a
   * second of commits in memory, which a killed process would lose).
   */
  private static final String H2_OPTIONS =
      ";LOCK_TIMEOUT=" + H2_LOCK_TIMEOUT_MILLIS + ";QUERY_CACHE_SIZE=64;WRITE_DELAY=0";

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern H2_NAME = Pattern.compile("[A-Za-z0-9_-]+");

  private final DataSource dataSource;
  private final Dialect dialect;
  private final String prefix;
  private final Jdbi jdbi;
  private final JdbcConnectionPool ownedPool;
  private final boolean inMemory;
  private final JdbcSchedulerStore schedulerStore;
  private final JdbcRemediationStore remediationStore;
  private final AtomicBoolean closed = new AtomicBoolean();

  private JdbcStore(Builder b, Dialect dialect) {
    this.dataSource = b.dataSource;
    this.dialect = dialect;
    this.prefix = b.tablePrefix;
    this.ownedPool = b.ownedPool;
    this.inMemory = b.inMemory;
    this.jdbi = Jdbi.create(dataSource);
    // no statement text or arguments in Jdbi's messages (arguments may be secrets)
    jdbi.getConfig(StatementExceptions.class)
        .setMessageRendering(StatementExceptions.MessageRendering.NONE);
    jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
    this.schedulerStore =
        new JdbcSchedulerStore(jdbi, dialect, prefix, b.keepFinishedPerSchedule, closed);
    this.remediationStore = new JdbcRemediationStore(jdbi, dialect, prefix, closed);
  }

  /**
   * The embedded default: an H2 database in a file, with its own small connection pool, migrated on
   * start. H2 adds {@code .mv.db} to the path; only one process may open the file at a time. Every
   * commit is written to the file before it returns, so a killed process loses nothing it committed
   * (a power failure may still lose the last commits: H2 does not sync each commit).
   *
   * @param file the database file, without H2's {@code .mv.db} suffix
   * @return the store; close it to close the database
   * @throws NullPointerException if {@code file} is null
   * @throws ValidationException if the path contains a {@code ;}
   * @throws JdbcStoreException if the database cannot be opened or migrated
   */
  public static JdbcStore h2(Path file) {
    Objects.requireNonNull(file, "file");
    String path = file.toAbsolutePath().toString();
    if (path.contains(";")) {
      throw new ValidationException("file", "not contain ';'", path);
    }
    return h2Pool("jdbc:h2:file:" + path + H2_OPTIONS, false);
  }

  /**
   * An H2 database in memory, for tests and demos: it lives until {@link #close()}, which drops it.
   * Two stores opened with the same name share one database.
   *
   * @param name the database's name, letters, digits, {@code _} and {@code -}
   * @return the store
   * @throws NullPointerException if {@code name} is null
   * @throws ValidationException if the name has other characters
   */
  public static JdbcStore h2InMemory(String name) {
    Objects.requireNonNull(name, "name");
    if (!H2_NAME.matcher(name).matches()) {
      throw new ValidationException("name", "match [A-Za-z0-9_-]+", "\"" + name + "\"");
    }
    return h2Pool("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1" + H2_OPTIONS, true);
  }

  private static JdbcStore h2Pool(String url, boolean inMemory) {
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
    pool.setMaxConnections(32);
    Builder b = builder(pool).dialect(Dialect.H2);
    b.ownedPool = pool;
    b.inMemory = inMemory;
    try {
      return b.build();
    } catch (RuntimeException e) {
      pool.dispose();
      throw e;
    }
  }

  /**
   * A store on a caller's data source, the dialect detected, the default table prefix, migrated on
   * start.
   *
   * @param dataSource the database (PostgreSQL 12+, MariaDB 10.6+, MySQL 8.0+ or H2 2.x)
   * @return the store
   * @throws NullPointerException if {@code dataSource} is null
   * @throws ValidationException if the database or its version is not supported
   * @throws JdbcStoreException if the database fails
   * @throws SchemaVersionException if the database holds a newer schema
   */
  public static JdbcStore of(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * Starts configuring a store on a caller's data source.
   *
   * @param dataSource the database
   * @return a builder, not thread-safe
   * @throws NullPointerException if {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Detects the dialect of a database from its connection metadata and checks its version.
   *
   * @param dataSource the database
   * @return the dialect
   * @throws ValidationException if the database or its version is not supported
   * @throws JdbcStoreException if no connection can be made
   */
  public static Dialect detect(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    try (Connection c = dataSource.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      String product = meta.getDatabaseProductName();
      String version = meta.getDatabaseProductVersion();
      int major = meta.getDatabaseMajorVersion();
      int minor = meta.getDatabaseMinorVersion();
      String p = product.toLowerCase(Locale.ROOT);
      Dialect d;
      if (p.contains("postgresql")) {
        d = Dialect.POSTGRESQL;
      } else if (p.contains("mariadb") || version.toLowerCase(Locale.ROOT).contains("mariadb")) {
        d = Dialect.MARIADB;
      } else if (p.contains("mysql")) {
        d = Dialect.MYSQL;
      } else if (p.equals("h2")) {
        d = Dialect.H2;
      } else {
        throw new ValidationException(
            "dataSource",
            "connect to PostgreSQL 12+, MariaDB 10.6+, MySQL 8.0+ or H2 2.0+",
            product + " " + version);
      }
      if (!d.supports(major, minor)) {
        throw new ValidationException(
            "dataSource",
            "connect to " + d.productName() + " " + d.minimumVersion() + " or later",
            product + " " + version);
      }
      return d;
    } catch (SQLException e) {
      throw Errors.translate("detect", e);
    }
  }

  /**
   * Applies the schema migrations the database lacks; idempotent, and safe while other instances do
   * the same.
   *
   * @return the schema version now, {@link #schemaVersionOfCode()}
   * @throws SchemaVersionException if the database holds a newer schema than this code knows
   * @throws JdbcStoreException if the database fails
   */
  public int migrate() {
    return Migrations.migrate(jdbi, dialect, prefix);
  }

  /**
   * @return the schema version the database holds for this prefix, 0 if none
   * @throws JdbcStoreException if the database fails
   */
  public int schemaVersion() {
    return Migrations.currentVersion(jdbi, prefix);
  }

  /**
   * @return the schema version this code knows and needs
   */
  public static int schemaVersionOfCode() {
    return Migrations.LATEST;
  }

  /**
   * @return the scheduler's store on this database
   */
  public JdbcSchedulerStore schedulerStore() {
    return schedulerStore;
  }

  /**
   * @return the remediation engine's store on this database (same tables prefix and connections)
   */
  public JdbcRemediationStore remediationStore() {
    return remediationStore;
  }

  /**
   * @return the database dialect
   */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * @return the table prefix
   */
  public String tablePrefix() {
    return prefix;
  }

  /**
   * @return the data source
   */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Closes the store: its operations fail with a {@link JdbcStoreException} from now on. Closes
   * what it opened, the connection pool of an H2 store (an in-memory database is dropped); a store
   * on a caller's data source leaves that open. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true) || ownedPool == null) {
      return;
    }
    if (inMemory) {
      try (Connection c = ownedPool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException | IllegalStateException alreadyClosed) {
        // disposed before, or shut down by another store of the same name
      }
    }
    ownedPool.dispose();
  }

  @Override
  public String toString() {
    return "JdbcStore[" + dialect + ", prefix=" + prefix + "]";
  }

  /** Configures a {@link JdbcStore}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private Dialect dialect;
    private String tablePrefix = DEFAULT_TABLE_PREFIX;
    private boolean migrateOnStart = true;
    private int keepFinishedPerSchedule;
    private JdbcConnectionPool ownedPool;
    private boolean inMemory;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * @param dialect the database's dialect (default: detected from the connection's metadata,
     *     whose version is then checked too)
     * @return this builder
     * @throws NullPointerException if {@code dialect} is null
     */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * @param prefix what every table, index and sequence name starts with (default {@value
     *     JdbcStore#DEFAULT_TABLE_PREFIX}): a lowercase letter, then lowercase letters, digits and
     *     {@code _}, at most {@value JdbcStore#MAX_TABLE_PREFIX_LENGTH} characters
     * @return this builder
     * @throws NullPointerException if {@code prefix} is null
     * @throws ValidationException if the prefix breaks that rule
     */
    public Builder tablePrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.length() > MAX_TABLE_PREFIX_LENGTH) {
        throw new ValidationException(
            "tablePrefix",
            "be at most " + MAX_TABLE_PREFIX_LENGTH + " characters",
            prefix.length() + " characters");
      }
      if (!PREFIX.matcher(prefix).matches()) {
        throw new ValidationException(
            "tablePrefix",
            "be a lowercase letter followed by lowercase letters, digits and '_'",
            "\"" + prefix + "\"");
      }
      this.tablePrefix = prefix;
      return this;
    }

    /**
     * @param migrate whether {@link #build()} applies the missing migrations (default true); when
     *     false, call {@link JdbcStore#migrate()} before using the stores
     * @return this builder
     */
    public Builder migrateOnStart(boolean migrate) {
      this.migrateOnStart = migrate;
      return this;
    }

    /**
     * History retention by count: {@link JdbcSchedulerStore#deleteFinishedBefore} also deletes the
     * finished jobs of each schedule beyond its {@code keep} newest (see {@link
     * JdbcSchedulerStore#deleteFinishedBeyond}).
     *
     * @param keep how many finished jobs of each schedule to keep; 0 (the default) for no limit
     * @return this builder
     * @throws ValidationException if {@code keep} is negative
     */
    public Builder keepFinishedPerSchedule(int keep) {
      if (keep < 0) {
        throw new ValidationException(
            "keepFinishedPerSchedule", "be at least 0 (0 for no limit)", keep);
      }
      this.keepFinishedPerSchedule = keep;
      return this;
    }

    /**
     * Builds the store: detects the dialect (unless given) and migrates the schema (unless
     * disabled).
     *
     * @return the store
     * @throws ValidationException if the database or its version is not supported
     * @throws SchemaVersionException if the database holds a newer schema
     * @throws JdbcStoreException if the database fails
     */
    public JdbcStore build() {
      Dialect d = dialect != null ? dialect : detect(dataSource);
      JdbcStore store = new JdbcStore(this, d);
      if (migrateOnStart) {
        store.migrate();
      }
      return store;
    }
  }
}
