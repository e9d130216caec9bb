package io.scripttask.jdbc.internal.remediation;

import static io.scripttask.jdbc.internal.Json.optEnum;
import static io.scripttask.jdbc.internal.Json.optText;
import static io.scripttask.jdbc.internal.Json.read;
import static io.scripttask.jdbc.internal.Json.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scripttask.remediation.EscalationState;
import io.scripttask.remediation.ExecutionProgress;
import io.scripttask.remediation.ExecutionSignal;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.RefusalReason;
import io.scripttask.remediation.RollbackStatus;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepStatus;
import io.scripttask.remediation.TriggerSource;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.spi.CapturedOutput;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents the JDBC remediation store keeps beside its indexed columns: explicit codecs,
 * written field by field, each document carrying a format number {@code "v"}.
 *
 * <p>Instants are ISO-8601 text (every nanosecond kept), enums their names. Trigger data keeps the
 * exact Java type of every number: an {@link Integer} is a plain JSON number; every other number is
 * tagged, as {@code {"$long": "5"}}, {@code {"$double": "0.5"}}, {@code {"$float": ...}}, {@code
 * {"$short": ...}}, {@code {"$byte": ...}}, {@code {"$decimal": "1.50"}}, {@code {"$bigint": ...}};
 * a map of the caller's that itself has one key starting with {@code $} is written as {@code
 * {"$map": {...}}}, so nothing a caller stores is read back as a tag.
 */
public final class RemediationDocs {

  /** The format number of the documents this class writes. */
  public static final int FORMAT = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private RemediationDocs() {}

  // ---------------------------------------------------------------- executions

  /**
   * The document of an execution: every field that is not a column (id, sequence, workflow, node,
   * status, creation and finish time, owner, lease, fencing token, version).
   *
   * @param e the execution
   * @return the JSON text
   */
  public static String executionDoc(WorkflowExecution e) {
    ObjectNode o = F.objectNode();
    o.put("v", FORMAT);
    o.put("workflowVersion", e.workflowVersion());
    o.put("source", e.source().name());
    o.set("triggerData", map(e.triggerData()));
    o.put("actor", e.actor());
    o.put("refusal", e.refusal() == null ? null : e.refusal().name());
    o.put("detail", e.detail());
    o.put("rollback", e.rollback().name());
    o.put("updatedAt", e.updatedAt().toString());
    o.put("deadlineAt", text(e.deadlineAt()));
    o.set("progress", progress(e.progress()));
    return write(o);
  }

  /** The columns of a stored execution, as read. */
  public record ExecutionColumns(
      String id,
      long sequence,
      String workflowId,
      String nodeId,
      ExecutionStatus status,
      Instant createdAt,
      Instant finishedAt,
      String owner,
      Instant leaseUntil,
      long fencingToken,
      long version) {}

  /**
   * Rebuilds an execution from its columns and document.
   *
   * @param c the columns
   * @param doc the document
   * @return the execution
   */
  public static WorkflowExecution execution(ExecutionColumns c, String doc) {
    JsonNode o = read(doc, "execution " + c.id());
    return new WorkflowExecution(
        c.id(),
        c.sequence(),
        c.workflowId(),
        o.required("workflowVersion").textValue(),
        c.nodeId(),
        TriggerSource.valueOf(o.required("source").textValue()),
        map(o.required("triggerData")),
        optText(o, "actor"),
        c.status(),
        optEnum(o, "refusal", RefusalReason.class),
        optText(o, "detail"),
        RollbackStatus.valueOf(o.required("rollback").textValue()),
        c.createdAt(),
        instant(o.required("updatedAt")),
        c.finishedAt(),
        optInstant(o, "deadlineAt"),
        c.owner(),
        c.leaseUntil(),
        c.fencingToken(),
        c.version(),
        progress(o.required("progress")));
  }

  private static ObjectNode progress(ExecutionProgress p) {
    ObjectNode o = F.objectNode();
    o.put("stepId", p.stepId());
    o.put("attempt", p.attempt());
    o.put("phase", p.phase().name());
    o.put("stepStartedAt", text(p.stepStartedAt()));
    o.put("wakeAt", text(p.wakeAt()));
    o.put("runStartedAt", text(p.runStartedAt()));
    o.set("completed", strings(p.completed()));
    o.set("compensations", strings(p.compensations()));
    o.put("outcome", p.outcome() == null ? null : p.outcome().name());
    ArrayNode results = o.putArray("results");
    for (Map.Entry<String, StepAttempt> r : p.results().entrySet()) {
      ObjectNode entry = results.addObject();
      entry.put("key", r.getKey());
      entry.set("attempt", attempt(r.getValue()));
    }
    EscalationState s = p.escalation();
    if (s == null) {
      o.putNull("escalation");
    } else {
      ObjectNode esc = o.putObject("escalation");
      esc.put("stepId", s.stepId());
      esc.put("tier", s.tier());
      esc.put("round", s.round());
      esc.put("nextAt", s.nextAt().toString());
      esc.put("reason", s.reason());
    }
    o.put("records", p.records());
    return o;
  }

  private static ExecutionProgress progress(JsonNode o) {
    Map<String, StepAttempt> results = new LinkedHashMap<>();
    for (JsonNode entry : o.required("results")) {
      results.put(entry.required("key").textValue(), attempt(entry.required("attempt")));
    }
    JsonNode esc = o.get("escalation");
    EscalationState escalation =
        esc == null || esc.isNull()
            ? null
            : new EscalationState(
                optText(esc, "stepId"),
                esc.required("tier").intValue(),
                esc.required("round").intValue(),
                instant(esc.required("nextAt")),
                esc.required("reason").textValue());
    return new ExecutionProgress(
        optText(o, "stepId"),
        o.required("attempt").intValue(),
        ExecutionProgress.Phase.valueOf(o.required("phase").textValue()),
        optInstant(o, "stepStartedAt"),
        optInstant(o, "wakeAt"),
        optInstant(o, "runStartedAt"),
        stringList(o.required("completed")),
        stringList(o.required("compensations")),
        optEnum(o, "outcome", ExecutionStatus.class),
        results,
        escalation,
        o.required("records").intValue());
  }

  // ---------------------------------------------------------------- attempts

  /**
   * The document of an attempt (all of it).
   *
   * @param a the attempt
   * @return the JSON text
   */
  public static String attemptDoc(StepAttempt a) {
    ObjectNode o = attempt(a);
    o.put("v", FORMAT);
    return write(o);
  }

  /**
   * Rebuilds an attempt from its document.
   *
   * @param doc the document
   * @return the attempt
   */
  public static StepAttempt attempt(String doc) {
    return attempt(read(doc, "attempt"));
  }

  private static ObjectNode attempt(StepAttempt a) {
    ObjectNode o = F.objectNode();
    o.put("executionId", a.executionId());
    o.put("sequence", a.sequence());
    o.put("kind", a.kind().name());
    o.put("stepId", a.stepId());
    o.put("attempt", a.attempt());
    o.put("status", a.status().name());
    o.put("startedAt", a.startedAt().toString());
    o.put("finishedAt", a.finishedAt().toString());
    o.put("exitCode", a.exitCode());
    o.set("stdout", output(a.stdout()));
    o.set("stderr", output(a.stderr()));
    o.put("detail", a.detail());
    o.put("decision", a.decision());
    o.put("next", a.next());
    return o;
  }

  private static StepAttempt attempt(JsonNode o) {
    JsonNode exit = o.get("exitCode");
    return new StepAttempt(
        o.required("executionId").textValue(),
        o.required("sequence").intValue(),
        StepAttempt.Kind.valueOf(o.required("kind").textValue()),
        optText(o, "stepId"),
        o.required("attempt").intValue(),
        StepStatus.valueOf(o.required("status").textValue()),
        instant(o.required("startedAt")),
        instant(o.required("finishedAt")),
        exit == null || exit.isNull() ? null : exit.intValue(),
        output(o.required("stdout")),
        output(o.required("stderr")),
        optText(o, "detail"),
        optText(o, "decision"),
        optText(o, "next"));
  }

  // ---------------------------------------------------------------- signals

  /**
   * The document of a signal: every field but its id and execution (columns).
   *
   * @param s the signal
   * @return the JSON text
   */
  public static String signalDoc(ExecutionSignal s) {
    ObjectNode o = F.objectNode();
    o.put("v", FORMAT);
    o.put("kind", s.kind().name());
    o.put("stepId", s.stepId());
    o.put("actor", s.actor());
    o.put("comment", s.comment());
    o.put("at", s.at().toString());
    return write(o);
  }

  /**
   * Rebuilds a signal from its columns and document.
   *
   * @param id the id column
   * @param executionId the execution column
   * @param doc the document
   * @return the signal
   */
  public static ExecutionSignal signal(long id, String executionId, String doc) {
    JsonNode o = read(doc, "signal " + id);
    return new ExecutionSignal(
        id,
        executionId,
        ExecutionSignal.Kind.valueOf(o.required("kind").textValue()),
        optText(o, "stepId"),
        optText(o, "actor"),
        optText(o, "comment"),
        instant(o.required("at")));
  }

  // ---------------------------------------------------------------- JSON-like values

  /**
   * Encodes a map of JSON-like values, keeping every number's type.
   *
   * @param values the map (keys in order)
   * @return the JSON object
   */
  static ObjectNode map(Map<String, Object> values) {
    ObjectNode o = F.objectNode();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      o.set(e.getKey(), value(e.getValue()));
    }
    if (looksTagged(o)) {
      ObjectNode wrapped = F.objectNode();
      wrapped.set("$map", o);
      return wrapped;
    }
    return o;
  }

  /**
   * Decodes what {@link #map(Map)} wrote.
   *
   * @param node the JSON object
   * @return the map, keys in order
   */
  static Map<String, Object> map(JsonNode node) {
    JsonNode plain = node;
    if (looksTagged(node)) {
      plain = node.required("$map");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : plain.properties()) {
      out.put(e.getKey(), value(e.getValue()));
    }
    return out;
  }

  private static boolean looksTagged(JsonNode o) {
    if (o.size() != 1) {
      return false;
    }
    return o.fieldNames().next().startsWith("$");
  }

  private static JsonNode value(Object v) {
    if (v == null) {
      return F.nullNode();
    }
    if (v instanceof String s) {
      return F.textNode(s);
    }
    if (v instanceof Boolean b) {
      return F.booleanNode(b);
    }
    if (v instanceof Integer i) {
      return F.numberNode(i);
    }
    if (v instanceof Long
        || v instanceof Double
        || v instanceof Float
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigDecimal
        || v instanceof BigInteger) {
      ObjectNode tagged = F.objectNode();
      tagged.put(tag(v), v.toString());
      return tagged;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> typed = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        typed.put((String) e.getKey(), e.getValue());
      }
      return map(typed);
    }
    if (v instanceof List<?> l) {
      ArrayNode a = F.arrayNode(l.size());
      for (Object item : l) {
        a.add(value(item));
      }
      return a;
    }
    throw new IllegalArgumentException(
        "a JSON-like value must be a string, number, boolean, null, list or map, but was a "
            + v.getClass().getSimpleName());
  }

  private static String tag(Object number) {
    if (number instanceof Long) {
      return "$long";
    }
    if (number instanceof Double) {
      return "$double";
    }
    if (number instanceof Float) {
      return "$float";
    }
    if (number instanceof Short) {
      return "$short";
    }
    if (number instanceof Byte) {
      return "$byte";
    }
    if (number instanceof BigDecimal) {
      return "$decimal";
    }
    return "$bigint";
  }

  private static Object value(JsonNode n) {
    if (n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isInt()) {
      return n.intValue();
    }
    if (n.isArray()) {
      List<Object> out = new ArrayList<>(n.size());
      for (JsonNode item : n) {
        out.add(value(item));
      }
      return out;
    }
    if (n.isObject()) {
      if (looksTagged(n)) {
        String tag = n.fieldNames().next();
        if (tag.equals("$map")) {
          return map(n);
        }
        String text = n.required(tag).textValue();
        return switch (tag) {
          case "$long" -> Long.valueOf(text);
          case "$double" -> Double.valueOf(text);
          case "$float" -> Float.valueOf(text);
          case "$short" -> Short.valueOf(text);
          case "$byte" -> Byte.valueOf(text);
          case "$decimal" -> new BigDecimal(text);
          case "$bigint" -> new BigInteger(text);
          default ->
              throw new IllegalStateException(
                  "a stored value tag must be a known one, but was " + tag);
        };
      }
      return map(n);
    }
    throw new IllegalStateException(
        "a stored value must be a string, int, boolean, null, list, map or tagged number, but was"
            + " a "
            + n.getNodeType());
  }

  // ---------------------------------------------------------------- small values

  private static ObjectNode output(CapturedOutput out) {
    ObjectNode o = F.objectNode();
    o.put("text", out.text());
    o.put("truncated", out.truncated());
    o.put("totalBytes", out.totalBytes());
    return o;
  }

  private static CapturedOutput output(JsonNode o) {
    return new CapturedOutput(
        o.required("text").textValue(),
        o.required("truncated").booleanValue(),
        o.required("totalBytes").longValue());
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = F.arrayNode(values.size());
    for (String v : values) {
      a.add(v);
    }
    return a;
  }

  private static List<String> stringList(JsonNode a) {
    List<String> out = new ArrayList<>(a.size());
    for (JsonNode v : a) {
      out.add(v.textValue());
    }
    return out;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static Instant instant(JsonNode v) {
    return Instant.parse(v.textValue());
  }

  private static Instant optInstant(JsonNode o, String field) {
    String t = optText(o, field);
    return t == null ? null : Instant.parse(t);
  }
}
