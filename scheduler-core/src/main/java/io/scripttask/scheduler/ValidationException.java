package io.scripttask.scheduler;

import java.util.Objects;

/**
 * Thrown when a value given to the library breaks a rule. The message names the field, the rule and
 * the offending value, in the form {@code "<field> must <rule>, but was <value>"}; the same parts
 * are available as {@link #field()}, {@link #rule()} and {@link #value()} for programs.
 *
 * <p>A value that is a secret (a password, a key, a token, a webhook URL) is never put into the
 * message: create the exception with {@link #secret(String, String)} and the value reads {@code
 * "***"}.
 */
public class ValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** What replaces a secret value in messages. */
  public static final String MASK = "***";

  private final String field;
  private final String rule;
  private final String value;

  /**
   * Creates an exception for {@code field} that must follow {@code rule} but was {@code value}.
   *
   * @param field the name of the field, as the user wrote it or as the API names it
   * @param rule what the field must be, completing the sentence "field must ..."
   * @param value the offending value as text ({@code null} is shown as {@code null})
   */
  public ValidationException(String field, String rule, Object value) {
    this(field, rule, String.valueOf(value), field + " must " + rule + ", but was " + value);
  }

  /**
   * Creates an exception with a message of the caller's own making; field, rule and value are still
   * carried for programs.
   *
   * @param field the name of the field
   * @param rule what the field must be
   * @param value the offending value as text
   * @param message the full message
   */
  protected ValidationException(String field, String rule, String value, String message) {
    super(message);
    this.field = Objects.requireNonNull(field, "field");
    this.rule = Objects.requireNonNull(rule, "rule");
    this.value = value;
  }

  /**
   * Creates an exception for a secret field: the value is not shown.
   *
   * @param field the name of the field
   * @param rule what the field must be
   * @return the exception, with {@link #value()} equal to {@link #MASK}
   */
  public static ValidationException secret(String field, String rule) {
    return new ValidationException(field, rule, MASK);
  }

  /**
   * @return the name of the field that broke the rule
   */
  public String field() {
    return field;
  }

  /**
   * @return the rule, completing the sentence "field must ..."
   */
  public String rule() {
    return rule;
  }

  /**
   * @return the offending value as text, or {@link #MASK} for a secret
   */
  public String value() {
    return value;
  }
}
