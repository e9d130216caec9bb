package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;

/**
 * A comparison operator of a {@link Condition}: {@code gt gte lt lte eq ne} in JSON.
 *
 * <p>Numbers (and strings that parse as numbers) compare numerically, so {@code 85} equals {@code
 * 85.0}. Other values compare only with {@link #EQ} and {@link #NE}, by equality of their text;
 * {@code GT}, {@code GTE}, {@code LT} and {@code LTE} on a value that is not a number are false. A
 * missing ({@code null}) actual value never matches, not even with {@code NE}.
 */
public enum Op {
  /** Greater than ({@code gt}, {@code >}). */
  GT("gt", ">"),
  /** Greater than or equal ({@code gte}, {@code >=}). */
  GTE("gte", ">="),
  /** Less than ({@code lt}, {@code <}). */
  LT("lt", "<"),
  /** Less than or equal ({@code lte}, {@code <=}). */
  LTE("lte", "<="),
  /** Equal ({@code eq}, {@code ==}). */
  EQ("eq", "=="),
  /** Not equal ({@code ne}, {@code !=}). */
  NE("ne", "!=");

  private final String jsonName;
  private final String symbol;

  Op(String jsonName, String symbol) {
    this.jsonName = jsonName;
    this.symbol = symbol;
  }

  /**
   * @return the name in JSON: {@code gt gte lt lte eq ne}
   */
  public String jsonName() {
    return jsonName;
  }

  /**
   * @return the mathematical symbol, for {@link Condition#describe()}: {@code > >= < <= == !=}
   */
  public String symbol() {
    return symbol;
  }

  /**
   * Finds an operator by its JSON name (case-insensitive); the symbols {@code > >= < <= == !=} are
   * accepted too.
   *
   * @param name the name
   * @return the operator
   * @throws NullPointerException if {@code name} is null
   * @throws ValidationException if no operator has that name
   */
  public static Op fromJson(String name) {
    Objects.requireNonNull(name, "name");
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Op op : values()) {
      if (op.jsonName.equals(n) || op.symbol.equals(n)) {
        return op;
      }
    }
    throw new ValidationException(
        "operator", "be one of gt, gte, lt, lte, eq, ne", "\"" + name + "\"");
  }

  /**
   * Compares an actual value with an expected one.
   *
   * @param actual the value found (a number, a string, a boolean, or null when missing)
   * @param expected the value to compare with
   * @return whether {@code actual <op> expected} holds; false when {@code actual} is null
   */
  public boolean test(Object actual, Object expected) {
    if (actual == null) {
      return false;
    }
    BigDecimal a = number(actual);
    BigDecimal e = number(expected);
    if (a != null && e != null) {
      return compare(a.compareTo(e));
    }
    if (expected == null) {
      return false;
    }
    boolean equal = String.valueOf(actual).equals(String.valueOf(expected));
    return switch (this) {
      case EQ -> equal;
      case NE -> !equal;
      default -> false;
    };
  }

  /**
   * Applies this operator to the result of a comparison.
   *
   * @param comparison negative, zero or positive as the actual value is less than, equal to or
   *     greater than the expected one
   * @return whether the operator holds
   */
  public boolean compare(int comparison) {
    return switch (this) {
      case GT -> comparison > 0;
      case GTE -> comparison >= 0;
      case LT -> comparison < 0;
      case LTE -> comparison <= 0;
      case EQ -> comparison == 0;
      case NE -> comparison != 0;
    };
  }

  /** The value as a number, or null if it is not one (booleans are not numbers). */
  static BigDecimal number(Object value) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? null : BigDecimal.valueOf(d);
    }
    if (value instanceof Float f) {
      return f.isNaN() || f.isInfinite() ? null : BigDecimal.valueOf(f.doubleValue());
    }
    if (value instanceof Number n) {
      try {
        return new BigDecimal(n.toString());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (value instanceof String s) {
      String t = s.trim();
      if (t.isEmpty() || t.length() > 100) {
        return null;
      }
      try {
        return new BigDecimal(t);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
