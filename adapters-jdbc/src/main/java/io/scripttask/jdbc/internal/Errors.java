package io.scripttask.jdbc.internal;

import io.scripttask.jdbc.Dialect;
import io.scripttask.jdbc.JdbcStoreException;
import io.scripttask.scheduler.ValidationException;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * Turns driver and Jdbi failures into {@link JdbcStoreException}s that never carry a secret, and
 * classifies them (duplicate key, retryable).
 */
public final class Errors {

  /** The most characters of the database's own explanation that a message quotes. */
  static final int MAX_DETAIL = 400;

  private Errors() {}

  /**
   * Translates a failure. Only the first line of the database's explanation is quoted (drivers put
   * the failing row's values on the following lines), every given secret in it is masked, and the
   * driver's exception is not attached.
   *
   * @param operation the store operation
   * @param failure what the driver or Jdbi threw
   * @param secrets values that must not appear in the message (may be empty)
   * @return the exception to throw
   */
  public static JdbcStoreException translate(
      String operation, Throwable failure, Collection<String> secrets) {
    SQLException sql = sqlCause(failure);
    String state = sql == null ? null : sql.getSQLState();
    int code = sql == null ? 0 : sql.getErrorCode();
    Throwable reported = sql != null ? sql : failure;
    String detail = firstLine(reported.getMessage());
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        detail = detail.replace(secret, ValidationException.MASK);
      }
    }
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "...";
    }
    StringBuilder m =
        new StringBuilder("JDBC store operation '").append(operation).append("' failed");
    if (state != null) {
      m.append(": SQLState ").append(state);
      if (code != 0) {
        m.append(", code ").append(code);
      }
    }
    m.append(": ").append(reported.getClass().getSimpleName());
    if (!detail.isEmpty()) {
      m.append(": ").append(detail);
    }
    return new JdbcStoreException(operation, state, code, m.toString());
  }

  /**
   * @param operation the store operation
   * @param failure what the driver or Jdbi threw
   * @return the exception to throw, for an operation that handles no secret
   */
  public static JdbcStoreException translate(String operation, Throwable failure) {
    return translate(operation, failure, List.of());
  }

  /**
   * @param failure a failure
   * @param dialect the database
   * @return whether it is a unique-key violation
   */
  public static boolean isDuplicateKey(Throwable failure, Dialect dialect) {
    SQLException sql = sqlCause(failure);
    if (sql == null) {
      return false;
    }
    if (dialect.isMySqlFamily()) {
      return sql.getErrorCode() == 1062 || sql.getErrorCode() == 1586;
    }
    return "23505".equals(sql.getSQLState());
  }

  /**
   * @param failure a failure
   * @return whether the transaction lost a deadlock or a serialization conflict, so that running it
   *     again from the start may succeed
   */
  public static boolean isRetryable(Throwable failure) {
    SQLException sql = sqlCause(failure);
    if (sql == null) {
      return false;
    }
    String state = sql.getSQLState();
    return "40001".equals(state) || "40P01".equals(state) || sql.getErrorCode() == 1213;
  }

  /**
   * @param failure a failure
   * @return the first {@link SQLException} in its cause chain, or null
   */
  static SQLException sqlCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        return s;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
