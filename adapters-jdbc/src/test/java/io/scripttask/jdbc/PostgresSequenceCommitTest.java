package io.scripttask.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.spi.SchedulerStore;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL the store's sequence calls commit without waiting for a WAL flush, and only for
 * their own transaction: the setting must not leak into the next statement on the pooled
 * connection, nor into a transaction of the host application whose connection the store was handed
 * (a transaction-aware data source).
 */
class PostgresSequenceCommitTest {

  private final String prefix = TestDatabases.randomPrefix();
  private JdbcStore store;

  @BeforeEach
  void migrate() {
    store = JdbcStore.builder(TestDatabases.postgres()).tablePrefix(prefix).build();
  }

  @AfterEach
  void drop() {
    TestDatabases.drop(TestDatabases.postgres(), Dialect.POSTGRESQL, prefix);
  }

  /** Sets the session's value to on (the embedded test server starts with off). */
  private static void sessionSynchronousCommitOn(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET synchronous_commit = on");
    }
  }

  private static String synchronousCommit(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void aSequenceCallInAutocommitLeavesTheConnectionsSettingAsItWas() throws Exception {
    try (Connection c = TestDatabases.postgres().getConnection()) {
      assertThat(c.getAutoCommit()).isTrue();
      sessionSynchronousCommitOn(c);
      SchedulerStore onThisConnection =
          JdbcStore.builder(new OneConnection(c))
              .tablePrefix(prefix)
              .migrateOnStart(false)
              .build()
              .schedulerStore();
      long first = onThisConnection.nextSequence();
      long[] more = onThisConnection.nextSequences(5);

      assertThat(more).hasSize(5).isSorted();
      assertThat(more[0]).isGreaterThan(first);
      assertThat(synchronousCommit(c)).isEqualTo("on");
      try (Statement s = c.createStatement()) {
        s.execute("RESET synchronous_commit");
      }
    }
  }

  @Test
  void aSequenceCallInsideTheHostsTransactionKeepsThatTransactionsSynchronousCommit()
      throws Exception {
    try (Connection c = TestDatabases.postgres().getConnection()) {
      sessionSynchronousCommitOn(c);
      c.setAutoCommit(false);
      try {
        SchedulerStore inHostTransaction =
            JdbcStore.builder(new OneConnection(c))
                .tablePrefix(prefix)
                .migrateOnStart(false)
                .build()
                .schedulerStore();

        inHostTransaction.nextSequence();
        inHostTransaction.nextSequences(3);

        assertThat(synchronousCommit(c)).isEqualTo("on");
      } finally {
        c.rollback();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("RESET synchronous_commit");
        }
      }
    }
  }

  /**
   * A data source that hands out one connection and ignores close (what a transaction-aware data
   * source does inside the host's transaction).
   */
  private static final class OneConnection implements DataSource {
    private final Connection connection;

    OneConnection(Connection connection) {
      this.connection = connection;
    }

    @Override
    public Connection getConnection() {
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "close" -> null;
                    case "isClosed" -> false;
                    default -> {
                      try {
                        yield method.invoke(connection, args);
                      } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                      }
                    }
                  });
    }

    @Override
    public Connection getConnection(String username, String password) {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
