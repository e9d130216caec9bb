package io.scripttask.remediation;

import io.scripttask.remediation.internal.condition.Fields;
import io.scripttask.remediation.internal.condition.JsonPaths;
import io.scripttask.scheduler.ValidationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A predicate over a step result, earlier step results and trigger data (a {@link
 * ConditionContext}): success criteria, retry-on predicates, branch conditions and trigger
 * conditions. A closed set: {@link ExitCode}, {@link OutputContains}, {@link Regex}, {@link
 * JsonPath}, {@link Threshold}, {@link And}, {@link Or}, {@link Not} and {@link OnStep}.
 *
 * <p>Conditions are immutable and thread-safe; regular expressions and JSON paths are compiled when
 * the condition is created, and a bad one is a {@link ValidationException} naming the field and the
 * value. Evaluation never throws: a missing value (no current result, no exit code, a trigger field
 * not in the data, output that is not JSON) makes the condition false.
 *
 * <pre>{@code
 * Condition ok = Condition.exitCode(0).and(Condition.outputContains("patched"));
 * Condition hot = Condition.threshold("diskUsagePercent", Op.GT, 85);
 * }</pre>
 */
public sealed interface Condition {

  /**
   * @param ctx what to evaluate against
   * @return whether the condition holds
   * @throws NullPointerException if {@code ctx} is null
   */
  boolean test(ConditionContext ctx);

  /**
   * @return a readable description, e.g. {@code exit code == 0 and stdout contains "ok"}, used in
   *     execution records to explain the decisions taken
   */
  String describe();

  /**
   * @param other another condition
   * @return a condition that holds when both hold
   */
  default Condition and(Condition other) {
    return new And(List.of(this, other));
  }

  /**
   * @param other another condition
   * @return a condition that holds when either holds
   */
  default Condition or(Condition other) {
    return new Or(List.of(this, other));
  }

  /**
   * @return a condition that holds when this one does not
   */
  default Condition negate() {
    return new Not(this);
  }

  /**
   * @param exitCode the expected exit code
   * @return a condition that holds when the current result's exit code equals it
   */
  static Condition exitCode(int exitCode) {
    return new ExitCode(Op.EQ, exitCode);
  }

  /**
   * @param op the comparison
   * @param value the value compared with
   * @return a condition on the current result's exit code
   */
  static Condition exitCode(Op op, int value) {
    return new ExitCode(op, value);
  }

  /**
   * @param text the text
   * @return a condition that holds when the current result's standard output contains the text
   */
  static Condition outputContains(String text) {
    return new OutputContains(text, OutputSource.STDOUT, false);
  }

  /**
   * @param text the text
   * @param source which stream to look at
   * @param ignoreCase whether case is ignored
   * @return a condition that holds when the stream contains the text
   */
  static Condition outputContains(String text, OutputSource source, boolean ignoreCase) {
    return new OutputContains(text, source, ignoreCase);
  }

  /**
   * @param pattern a regular expression, found anywhere in the standard output
   * @return the condition
   * @throws ValidationException if the pattern is not a valid regular expression
   */
  static Condition regex(String pattern) {
    return new Regex(pattern, OutputSource.STDOUT);
  }

  /**
   * @param pattern a regular expression, found anywhere in the stream
   * @param source which stream to look at
   * @return the condition
   * @throws ValidationException if the pattern is not a valid regular expression
   */
  static Condition regex(String pattern, OutputSource source) {
    return new Regex(pattern, source);
  }

  /**
   * @param path a JSON path over the current result's standard output, e.g. {@code $.status}
   * @param op the comparison
   * @param value the value compared with (a number, string or boolean)
   * @return the condition
   * @throws ValidationException if the path is not a valid JSON path or the value has another type
   */
  static Condition jsonPath(String path, Op op, Object value) {
    return new JsonPath(path, op, value, JsonSource.STDOUT);
  }

  /**
   * @param path a JSON path over the trigger data
   * @param op the comparison
   * @param value the value compared with
   * @return the condition
   * @throws ValidationException if the path is not a valid JSON path or the value has another type
   */
  static Condition jsonPathOnTrigger(String path, Op op, Object value) {
    return new JsonPath(path, op, value, JsonSource.TRIGGER);
  }

  /**
   * @param field a trigger field (metric) name
   * @param op the comparison
   * @param value the value compared with
   * @return a condition on the trigger field
   */
  static Condition threshold(String field, Op op, double value) {
    return new Threshold(field, op, value);
  }

  /**
   * @param conditions conditions
   * @return a condition that holds when all hold
   */
  static Condition allOf(Condition... conditions) {
    return new And(Arrays.asList(conditions));
  }

  /**
   * @param conditions conditions
   * @return a condition that holds when at least one holds
   */
  static Condition anyOf(Condition... conditions) {
    return new Or(Arrays.asList(conditions));
  }

  /**
   * @param condition a condition
   * @return a condition that holds when it does not
   */
  static Condition not(Condition condition) {
    return new Not(condition);
  }

  /**
   * @param stepId an earlier step's id
   * @param condition a condition judged against that step's latest result
   * @return the condition
   */
  static Condition onStep(String stepId, Condition condition) {
    return new OnStep(stepId, condition);
  }

  /**
   * Compares the current result's exit code; false when there is no result or no exit code.
   *
   * @param op the comparison
   * @param value the value compared with
   */
  record ExitCode(Op op, int value) implements Condition {
    /**
     * @throws NullPointerException if {@code op} is null
     */
    public ExitCode {
      Objects.requireNonNull(op, "op");
    }

    @Override
    public boolean test(ConditionContext ctx) {
      StepResult r = ctx.current();
      return r != null && r.exitCode() != null && op.compare(Integer.compare(r.exitCode(), value));
    }

    @Override
    public String describe() {
      return "exit code " + op.symbol() + " " + value;
    }
  }

  /**
   * Whether an output stream of the current result contains a text.
   *
   * @param text the text, not empty
   * @param source the stream
   * @param ignoreCase whether case is ignored
   */
  record OutputContains(String text, OutputSource source, boolean ignoreCase) implements Condition {
    /**
     * @throws NullPointerException if a field is null
     * @throws ValidationException if the text is empty
     */
    public OutputContains {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(source, "source");
      if (text.isEmpty()) {
        throw new ValidationException("text", "not be empty", "\"\"");
      }
    }

    @Override
    public boolean test(ConditionContext ctx) {
      StepResult r = ctx.current();
      if (r == null) {
        return false;
      }
      return switch (source) {
        case STDOUT -> contains(r.stdout());
        case STDERR -> contains(r.stderr());
        case ANY -> contains(r.stdout()) || contains(r.stderr());
      };
    }

    private boolean contains(String output) {
      if (!ignoreCase) {
        return output.contains(text);
      }
      return output.toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT));
    }

    @Override
    public String describe() {
      return streamName(source)
          + " contains "
          + quote(text)
          + (ignoreCase ? " (ignoring case)" : "");
    }
  }

  /**
   * Whether a regular expression is found anywhere in an output stream of the current result.
   * Compiled when created; equal when pattern and source are.
   */
  final class Regex implements Condition {
    private final String pattern;
    private final OutputSource source;
    private final Pattern compiled;

    /**
     * @param pattern a {@link Pattern} regular expression
     * @param source the stream searched
     * @throws NullPointerException if an argument is null
     * @throws ValidationException naming {@code pattern} and its value if it does not compile
     */
    public Regex(String pattern, OutputSource source) {
      this.pattern = Objects.requireNonNull(pattern, "pattern");
      this.source = Objects.requireNonNull(source, "source");
      if (pattern.isEmpty()) {
        throw new ValidationException("pattern", "not be empty", "\"\"");
      }
      try {
        this.compiled = Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new ValidationException(
            "pattern",
            "be a valid regular expression ("
                + e.getDescription()
                + " near index "
                + e.getIndex()
                + ")",
            quote(pattern));
      }
    }

    /**
     * @return the regular expression
     */
    public String pattern() {
      return pattern;
    }

    /**
     * @return the stream searched
     */
    public OutputSource source() {
      return source;
    }

    @Override
    public boolean test(ConditionContext ctx) {
      StepResult r = ctx.current();
      if (r == null) {
        return false;
      }
      return switch (source) {
        case STDOUT -> compiled.matcher(r.stdout()).find();
        case STDERR -> compiled.matcher(r.stderr()).find();
        case ANY -> compiled.matcher(r.stdout()).find() || compiled.matcher(r.stderr()).find();
      };
    }

    @Override
    public String describe() {
      return streamName(source) + " matches /" + pattern + "/";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Regex r && r.pattern.equals(pattern) && r.source == source;
    }

    @Override
    public int hashCode() {
      return Objects.hash(pattern, source);
    }

    @Override
    public String toString() {
      return "Regex[pattern=" + pattern + ", source=" + source + "]";
    }
  }

  /**
   * Compares the value at a Jayway JSON path, read from the current result's standard output or
   * from the trigger data. Output that is not JSON, or a path that finds nothing, makes the
   * condition false. An indefinite path (a wildcard, deep scan or filter) holds when at least one
   * of the values it finds satisfies the comparison. Numbers in {@link #value()} are normalized
   * (whole numbers to {@link Long}, others to {@link Double}) so that conditions read from JSON
   * equal those built in code.
   */
  final class JsonPath implements Condition {
    private final String path;
    private final Op op;
    private final Object value;
    private final JsonSource source;
    private final com.jayway.jsonpath.JsonPath compiled;

    /**
     * @param path the JSON path, e.g. {@code $.checks[0].status}
     * @param op the comparison
     * @param value a number, string or boolean
     * @param source what the path reads
     * @throws NullPointerException if an argument is null
     * @throws ValidationException naming {@code path} if the path is invalid, or {@code value} if
     *     it is not a number, string or boolean
     */
    public JsonPath(String path, Op op, Object value, JsonSource source) {
      this.path = Objects.requireNonNull(path, "path");
      this.op = Objects.requireNonNull(op, "op");
      this.source = Objects.requireNonNull(source, "source");
      this.value = normalize(Objects.requireNonNull(value, "value"));
      this.compiled = JsonPaths.compile("path", path);
    }

    private static Object normalize(Object value) {
      if (value instanceof Integer
          || value instanceof Long
          || value instanceof Short
          || value instanceof Byte) {
        return ((Number) value).longValue();
      }
      if (value instanceof BigInteger b) {
        return b.bitLength() < 64 ? (Object) b.longValue() : new BigDecimal(b).doubleValue();
      }
      if (value instanceof Float || value instanceof Double || value instanceof BigDecimal) {
        double d = ((Number) value).doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new ValidationException("value", "be a finite number", value);
        }
        return d;
      }
      if (value instanceof String || value instanceof Boolean) {
        return value;
      }
      throw new ValidationException(
          "value", "be a number, a string or a boolean", value.getClass().getSimpleName());
    }

    /**
     * @return the JSON path
     */
    public String path() {
      return path;
    }

    /**
     * @return the comparison
     */
    public Op op() {
      return op;
    }

    /**
     * @return the value compared with: a {@link Long}, {@link Double}, {@link String} or {@link
     *     Boolean}
     */
    public Object value() {
      return value;
    }

    /**
     * @return what the path reads
     */
    public JsonSource source() {
      return source;
    }

    @Override
    public boolean test(ConditionContext ctx) {
      Optional<List<Object>> found;
      if (source == JsonSource.STDOUT) {
        StepResult r = ctx.current();
        if (r == null) {
          return false;
        }
        found = JsonPaths.readText(compiled, r.stdout());
      } else {
        found = JsonPaths.readData(compiled, ctx.trigger());
      }
      if (found.isEmpty()) {
        return false;
      }
      for (Object actual : found.get()) {
        if (actual != JsonPaths.NULL && op.test(actual, value)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String describe() {
      String v = value instanceof String s ? quote(s) : String.valueOf(value);
      String where = source == JsonSource.STDOUT ? "stdout" : "trigger";
      return where + " " + path + " " + op.symbol() + " " + v;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof JsonPath j
          && j.path.equals(path)
          && j.op == op
          && j.value.equals(value)
          && j.source == source;
    }

    @Override
    public int hashCode() {
      return Objects.hash(path, op, value, source);
    }

    @Override
    public String toString() {
      return "JsonPath[path="
          + path
          + ", op="
          + op
          + ", value="
          + value
          + ", source="
          + source
          + "]";
    }
  }

  /**
   * Compares a trigger field (a metric) with a number. The field is looked up by its name; a name
   * with dots that is not a key walks into nested maps ({@code disk.usage}). Numbers and numeric
   * strings compare; a missing or non-numeric field makes the condition false.
   *
   * @param field the trigger field name
   * @param op the comparison
   * @param value the number compared with
   */
  record Threshold(String field, Op op, double value) implements Condition {
    /**
     * @throws NullPointerException if {@code field} or {@code op} is null
     * @throws ValidationException if the field is blank or the value is not a finite number
     */
    public Threshold {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(op, "op");
      if (field.isBlank()) {
        throw new ValidationException("field", "not be blank", quote(field));
      }
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        throw new ValidationException("value", "be a finite number", value);
      }
    }

    @Override
    public boolean test(ConditionContext ctx) {
      BigDecimal actual = Op.number(Fields.lookup(ctx.trigger(), field));
      return actual != null && op.compare(actual.compareTo(BigDecimal.valueOf(value)));
    }

    @Override
    public String describe() {
      return field + " " + op.symbol() + " " + number(value);
    }
  }

  /**
   * Holds when every condition holds (evaluated in order, stopping at the first false one).
   *
   * @param conditions at least one condition
   */
  record And(List<Condition> conditions) implements Condition {
    /**
     * @throws NullPointerException if the list or an element is null
     * @throws ValidationException if the list is empty
     */
    public And {
      conditions = List.copyOf(Objects.requireNonNull(conditions, "conditions"));
      if (conditions.isEmpty()) {
        throw new ValidationException("conditions", "name at least one condition", "[]");
      }
    }

    @Override
    public boolean test(ConditionContext ctx) {
      for (Condition c : conditions) {
        if (!c.test(ctx)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String describe() {
      return join(conditions, " and ");
    }
  }

  /**
   * Holds when at least one condition holds (evaluated in order, stopping at the first true one).
   *
   * @param conditions at least one condition
   */
  record Or(List<Condition> conditions) implements Condition {
    /**
     * @throws NullPointerException if the list or an element is null
     * @throws ValidationException if the list is empty
     */
    public Or {
      conditions = List.copyOf(Objects.requireNonNull(conditions, "conditions"));
      if (conditions.isEmpty()) {
        throw new ValidationException("conditions", "name at least one condition", "[]");
      }
    }

    @Override
    public boolean test(ConditionContext ctx) {
      for (Condition c : conditions) {
        if (c.test(ctx)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String describe() {
      return join(conditions, " or ");
    }
  }

  /**
   * Holds when the condition does not.
   *
   * @param condition the negated condition
   */
  record Not(Condition condition) implements Condition {
    /**
     * @throws NullPointerException if {@code condition} is null
     */
    public Not {
      Objects.requireNonNull(condition, "condition");
    }

    @Override
    public boolean test(ConditionContext ctx) {
      return !condition.test(ctx);
    }

    @Override
    public String describe() {
      return "not " + wrap(condition);
    }
  }

  /**
   * Judges an earlier step's latest result instead of the current one; false when that step has not
   * run.
   *
   * @param stepId the step's id
   * @param condition the condition judged against its result
   */
  record OnStep(String stepId, Condition condition) implements Condition {
    /**
     * @throws NullPointerException if an argument is null
     * @throws ValidationException if the step id is blank
     */
    public OnStep {
      Objects.requireNonNull(stepId, "stepId");
      Objects.requireNonNull(condition, "condition");
      if (stepId.isBlank()) {
        throw new ValidationException("step", "not be blank", quote(stepId));
      }
    }

    @Override
    public boolean test(ConditionContext ctx) {
      StepResult r = ctx.steps().get(stepId);
      return r != null && condition.test(ctx.withCurrent(r));
    }

    @Override
    public String describe() {
      return "step '" + stepId + "': " + condition.describe();
    }
  }

  private static String join(List<Condition> conditions, String separator) {
    if (conditions.size() == 1) {
      return conditions.get(0).describe();
    }
    List<String> parts = new ArrayList<>();
    for (Condition c : conditions) {
      parts.add(wrap(c));
    }
    return String.join(separator, parts);
  }

  private static String wrap(Condition c) {
    boolean compound =
        (c instanceof And a && a.conditions().size() > 1)
            || (c instanceof Or o && o.conditions().size() > 1);
    return compound ? "(" + c.describe() + ")" : c.describe();
  }

  private static String streamName(OutputSource source) {
    return switch (source) {
      case STDOUT -> "stdout";
      case STDERR -> "stderr";
      case ANY -> "output";
    };
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
