package io.scripttask.scheduler;

import java.util.Objects;

/**
 * Thrown by {@link Cron#parse(String)} when an expression is not a valid cron expression. The
 * message names the field, the rule, the value and the whole expression, for example {@code cron
 * field 'hour' must be 0-23, but was 24 in "0 24 * * *"}.
 */
public final class InvalidCronExpressionException extends ValidationException {
  private static final long serialVersionUID = 1L;

  private final String expression;

  /**
   * Creates the exception.
   *
   * @param expression the whole expression as given
   * @param field the cron field at fault ({@code second, minute, hour, day-of-month, month,
   *     day-of-week, year}), or {@code expression} for a fault of the whole
   * @param rule what the field must be, completing "must ..."
   * @param value the offending text
   */
  public InvalidCronExpressionException(
      String expression, String field, String rule, String value) {
    super(
        field,
        rule,
        value,
        "cron field '"
            + field
            + "' must "
            + rule
            + ", but was "
            + value
            + " in \""
            + expression
            + "\"");
    this.expression = Objects.requireNonNull(expression, "expression");
  }

  /**
   * @return the whole expression that failed to parse
   */
  public String expression() {
    return expression;
  }
}
