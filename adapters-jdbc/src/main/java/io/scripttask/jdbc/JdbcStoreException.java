package io.scripttask.jdbc;

import io.scripttask.scheduler.SchedulerException;
import java.util.Objects;

/**
 * Thrown when the database fails an operation of a JDBC store: the connection is lost, a statement
 * is refused, a lock times out. The message names the operation, the SQLState and the database's
 * own first line of explanation.
 *
 * <p>The driver's exception is deliberately not attached as the cause: drivers quote the values of
 * a failing row in their details, and those values may be secrets (a secret variable, a script's
 * content). What is known of the failure is carried as {@link #sqlState()}, {@link #vendorCode()}
 * and the message.
 */
public class JdbcStoreException extends SchedulerException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final String sqlState;
  private final int vendorCode;

  /**
   * Creates the exception.
   *
   * @param operation the store operation that failed, for example {@code "fire"}
   * @param sqlState the SQLState the database reported, or {@code null}
   * @param vendorCode the database's own error code, 0 if none
   * @param message the full message
   * @throws NullPointerException if operation or message is null
   */
  public JdbcStoreException(String operation, String sqlState, int vendorCode, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.operation = Objects.requireNonNull(operation, "operation");
    this.sqlState = sqlState;
    this.vendorCode = vendorCode;
  }

  /**
   * @return the store operation that failed
   */
  public String operation() {
    return operation;
  }

  /**
   * @return the SQLState the database reported, or {@code null} when the failure was not a database
   *     error (a closed pool, for example)
   */
  public String sqlState() {
    return sqlState;
  }

  /**
   * @return the database's own error code, 0 if none
   */
  public int vendorCode() {
    return vendorCode;
  }
}
