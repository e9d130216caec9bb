package io.scripttask.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scripttask.scheduler.AfterCompletionTrigger;
import io.scripttask.scheduler.Cron;
import io.scripttask.scheduler.CronTrigger;
import io.scripttask.scheduler.DailyTrigger;
import io.scripttask.scheduler.DstPolicy;
import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.IntervalTrigger;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.MisfirePolicy;
import io.scripttask.scheduler.MonthlyTrigger;
import io.scripttask.scheduler.NotificationRule;
import io.scripttask.scheduler.OnceTrigger;
import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Priority;
import io.scripttask.scheduler.Retry;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.ScheduleState;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.TriggeredBy;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.WeeklyTrigger;
import io.scripttask.scheduler.WindowPolicy;
import io.scripttask.scheduler.WindowScope;
import io.scripttask.scheduler.spi.CapturedOutput;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON documents the JDBC stores keep beside their indexed columns: explicit codecs for every
 * model type, written field by field (no reflection on the model's records), so that the stored
 * form is this class's to keep stable. Each document carries a format number {@code "v"}.
 *
 * <p>Instants and durations are written in ISO-8601 ({@link Instant#toString()}, {@link
 * Duration#toString()}), which keeps every nanosecond; zones by their id; enums by name.
 */
public final class Json {

  /** The format number of the documents this class writes. */
  public static final int FORMAT = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Json() {}

  // ---------------------------------------------------------------- documents

  /**
   * The document of a schedule: everything but the columns (id, state, next and last fire time,
   * version).
   *
   * @param s the schedule
   * @return the JSON text
   */
  public static String scheduleDoc(Schedule s) {
    ObjectNode o = F.objectNode();
    o.put("v", FORMAT);
    o.set("spec", spec(s.spec()));
    o.put("consecutiveFailures", s.consecutiveFailures());
    o.put("createdAt", s.createdAt().toString());
    o.put("updatedAt", s.updatedAt().toString());
    o.put("createdBy", s.createdBy());
    o.put("updatedBy", s.updatedBy());
    return write(o);
  }

  /**
   * Rebuilds a schedule from its columns and document.
   *
   * @param id the id column
   * @param state the state column
   * @param next the next fire time column
   * @param last the last fire time column
   * @param version the version column
   * @param doc the document
   * @return the schedule
   */
  public static Schedule schedule(
      String id, ScheduleState state, Instant next, Instant last, long version, String doc) {
    JsonNode o = read(doc, "schedule " + id);
    return new Schedule(
        id,
        spec(o.required("spec")),
        state,
        next,
        last,
        o.required("consecutiveFailures").intValue(),
        version,
        instant(o.required("createdAt")),
        instant(o.required("updatedAt")),
        o.required("createdBy").textValue(),
        o.required("updatedBy").textValue());
  }

  /**
   * The document of a job: every field but the version.
   *
   * @param j the job
   * @return the JSON text
   */
  public static String jobDoc(Job j) {
    ObjectNode o = F.objectNode();
    o.put("v", FORMAT);
    o.put("id", j.id());
    o.put("scheduleId", j.scheduleId());
    ObjectNode key = o.putObject("fireKey");
    key.put("scheduleId", j.fireKey().scheduleId());
    key.put("fireTime", j.fireKey().fireTime().toString());
    key.put("nodeId", j.fireKey().nodeId());
    o.set("groups", strings(j.groups()));
    o.put("scriptId", j.scriptId());
    o.put("scriptHash", j.scriptHash());
    o.put("priority", j.priority().name());
    o.put("dueAt", j.dueAt().toString());
    o.put("sequence", j.sequence());
    o.put("attempt", j.attempt());
    o.put("maxAttempts", j.maxAttempts());
    o.put("status", j.status().name());
    o.put("waitReason", j.waitReason() == null ? null : j.waitReason().name());
    o.put("skipReason", j.skipReason() == null ? null : j.skipReason().name());
    o.put("detail", j.detail());
    o.put("exitCode", j.exitCode());
    o.set("stdout", output(j.stdout()));
    o.set("stderr", output(j.stderr()));
    o.put("createdAt", j.createdAt().toString());
    o.put("startedAt", text(j.startedAt()));
    o.put("finishedAt", text(j.finishedAt()));
    o.put("nextAttemptAt", text(j.nextAttemptAt()));
    ObjectNode by = o.putObject("triggeredBy");
    by.put("kind", j.triggeredBy().kind().name());
    by.put("actor", j.triggeredBy().actor());
    o.put("owner", j.owner());
    o.put("fencingToken", j.fencingToken());
    return write(o);
  }

  /**
   * Rebuilds a job from its document and version column.
   *
   * @param doc the document
   * @param version the version column
   * @return the job
   */
  public static Job job(String doc, long version) {
    JsonNode o = read(doc, "job");
    JsonNode key = o.required("fireKey");
    JsonNode by = o.required("triggeredBy");
    JsonNode exit = o.get("exitCode");
    return new Job(
        o.required("id").textValue(),
        optText(o, "scheduleId"),
        new FireKey(
            key.required("scheduleId").textValue(),
            instant(key.required("fireTime")),
            key.required("nodeId").textValue()),
        stringSet(o.required("groups")),
        o.required("scriptId").textValue(),
        o.required("scriptHash").textValue(),
        Priority.valueOf(o.required("priority").textValue()),
        instant(o.required("dueAt")),
        o.required("sequence").longValue(),
        o.required("attempt").intValue(),
        o.required("maxAttempts").intValue(),
        JobStatus.valueOf(o.required("status").textValue()),
        optEnum(o, "waitReason", WaitReason.class),
        optEnum(o, "skipReason", SkipReason.class),
        optText(o, "detail"),
        exit == null || exit.isNull() ? null : exit.intValue(),
        output(o.required("stdout")),
        output(o.required("stderr")),
        instant(o.required("createdAt")),
        optInstant(o, "startedAt"),
        optInstant(o, "finishedAt"),
        optInstant(o, "nextAttemptAt"),
        new TriggeredBy(
            TriggeredBy.Kind.valueOf(by.required("kind").textValue()),
            by.required("actor").textValue()),
        optText(o, "owner"),
        o.required("fencingToken").longValue(),
        version);
  }

  /**
   * @param w a maintenance window
   * @return its document (the whole window)
   */
  public static String windowDoc(MaintenanceWindow w) {
    ObjectNode o = F.objectNode();
    o.put("v", FORMAT);
    o.put("id", w.id());
    o.put("name", w.name().orElse(null));
    o.set("cron", cron(w.cron()));
    o.put("zone", w.zone().getId());
    o.put("duration", w.duration().toString());
    o.put("kind", w.kind().name());
    o.set("allowedPriorities", names(w.allowedPriorities()));
    ObjectNode scope = o.putObject("scope");
    scope.put("type", w.scope().type().name());
    scope.set("ids", strings(w.scope().ids()));
    o.put("enabled", w.enabled());
    return write(o);
  }

  /**
   * @param doc a window's document
   * @return the window
   */
  public static MaintenanceWindow window(String doc) {
    JsonNode o = read(doc, "maintenance window");
    MaintenanceWindow.Builder b = MaintenanceWindow.builder(o.required("id").textValue());
    String name = optText(o, "name");
    if (name != null) {
      b.name(name);
    }
    JsonNode scope = o.required("scope");
    Set<String> ids = stringSet(scope.required("ids"));
    WindowScope.Type type = WindowScope.Type.valueOf(scope.required("type").textValue());
    List<Priority> allowed = new ArrayList<>();
    for (JsonNode p : o.required("allowedPriorities")) {
      allowed.add(Priority.valueOf(p.textValue()));
    }
    return b.cron(cron(o.required("cron")))
        .zone(ZoneId.of(o.required("zone").textValue()))
        .duration(Duration.parse(o.required("duration").textValue()))
        .kind(MaintenanceWindow.Kind.valueOf(o.required("kind").textValue()))
        .allowedPriorities(allowed)
        .scope(new WindowScope(type, ids))
        .enabled(o.required("enabled").booleanValue())
        .build();
  }

  /**
   * @param s a script
   * @return its document (the whole script)
   */
  public static String scriptDoc(Script s) {
    ObjectNode o = F.objectNode();
    o.put("v", FORMAT);
    o.put("id", s.id());
    o.put("name", s.name());
    o.put("shell", s.shell().name());
    o.put("content", s.content());
    o.set("commands", strings(s.commands()));
    o.put("stopOnFailure", s.stopOnFailure());
    o.put("defaultTimeout", s.defaultTimeout().toString());
    return write(o);
  }

  /**
   * @param doc a script's document
   * @return the script
   */
  public static Script script(String doc) {
    JsonNode o = read(doc, "script");
    List<String> commands = new ArrayList<>();
    for (JsonNode c : o.required("commands")) {
      commands.add(c.textValue());
    }
    return new Script(
        o.required("id").textValue(),
        o.required("name").textValue(),
        Shell.valueOf(o.required("shell").textValue()),
        optText(o, "content"),
        commands,
        o.required("stopOnFailure").booleanValue(),
        Duration.parse(o.required("defaultTimeout").textValue()));
  }

  // ---------------------------------------------------------------- spec

  /**
   * @param s a spec
   * @return its JSON form
   */
  static ObjectNode spec(ScheduleSpec s) {
    ObjectNode o = F.objectNode();
    o.put("name", s.name());
    o.set("trigger", trigger(s.trigger()));
    o.put("scriptId", s.scriptId());
    ObjectNode target = o.putObject("target");
    target.set("nodeIds", strings(s.target().nodeIds()));
    target.set("groupIds", strings(s.target().groupIds()));
    ArrayNode selectors = target.putArray("tagSelectors");
    for (Set<String> selector : s.target().tagSelectors()) {
      selectors.add(strings(selector));
    }
    target.put("allNodes", s.target().allNodes());
    o.put("priority", s.priority().name());
    ObjectNode limits = o.putObject("limits");
    limits.put("perNode", s.limits().perNode());
    limits.put("perGroup", s.limits().perGroup());
    limits.put("perSchedule", s.limits().perSchedule());
    limits.put("global", s.limits().global());
    o.put("misfire", s.misfire().name());
    o.put("misfireThreshold", s.misfireThreshold().toString());
    o.put("maxCatchUp", s.maxCatchUp());
    o.put("jitter", s.jitter().toString());
    o.put("timeout", s.timeout() == null ? null : s.timeout().toString());
    o.put("killOnTimeout", s.killOnTimeout());
    ObjectNode retry = o.putObject("retry");
    retry.put("maxAttempts", s.retry().maxAttempts());
    retry.put("initialInterval", s.retry().initialInterval().toString());
    retry.put("multiplier", s.retry().multiplier());
    retry.put("maxInterval", s.retry().maxInterval().toString());
    retry.put("jitterFactor", s.retry().jitterFactor());
    o.put("maxConsecutiveFailures", s.maxConsecutiveFailures());
    o.put("overlap", s.overlap().name());
    o.put("windowPolicy", s.windowPolicy().name());
    ObjectNode output = o.putObject("output");
    output.put("store", s.output().store());
    output.put("maxBytes", s.output().maxBytes());
    ArrayNode rules = o.putArray("notifications");
    for (NotificationRule r : s.notifications()) {
      ObjectNode rule = rules.addObject();
      rule.set("events", names(r.events()));
      rule.put("channel", r.channel());
    }
    o.set("dependsOn", strings(s.dependsOn()));
    o.put("enabled", s.enabled());
    o.put("description", s.description());
    o.set("tags", strings(s.tags()));
    o.put("offlineHold", s.offlineHold().toString());
    return o;
  }

  /**
   * @param o a spec's JSON form
   * @return the spec
   */
  static ScheduleSpec spec(JsonNode o) {
    JsonNode target = o.required("target");
    Set<Set<String>> selectors = new LinkedHashSet<>();
    for (JsonNode selector : target.required("tagSelectors")) {
      selectors.add(stringSet(selector));
    }
    JsonNode limits = o.required("limits");
    JsonNode retry = o.required("retry");
    JsonNode output = o.required("output");
    List<NotificationRule> rules = new ArrayList<>();
    for (JsonNode rule : o.required("notifications")) {
      EnumSet<NotificationRule.Event> events = EnumSet.noneOf(NotificationRule.Event.class);
      for (JsonNode e : rule.required("events")) {
        events.add(NotificationRule.Event.valueOf(e.textValue()));
      }
      rules.add(new NotificationRule(events, rule.required("channel").textValue()));
    }
    String timeout = optText(o, "timeout");
    return new ScheduleSpec(
        o.required("name").textValue(),
        trigger(o.required("trigger")),
        o.required("scriptId").textValue(),
        new Target(
            stringSet(target.required("nodeIds")),
            stringSet(target.required("groupIds")),
            selectors,
            target.required("allNodes").booleanValue()),
        Priority.valueOf(o.required("priority").textValue()),
        new Limits(
            limits.required("perNode").intValue(),
            limits.required("perGroup").intValue(),
            limits.required("perSchedule").intValue(),
            limits.required("global").intValue()),
        MisfirePolicy.valueOf(o.required("misfire").textValue()),
        duration(o.required("misfireThreshold")),
        o.required("maxCatchUp").intValue(),
        duration(o.required("jitter")),
        timeout == null ? null : Duration.parse(timeout),
        o.required("killOnTimeout").booleanValue(),
        new Retry(
            retry.required("maxAttempts").intValue(),
            duration(retry.required("initialInterval")),
            retry.required("multiplier").doubleValue(),
            duration(retry.required("maxInterval")),
            retry.required("jitterFactor").doubleValue()),
        o.required("maxConsecutiveFailures").intValue(),
        OverlapPolicy.valueOf(o.required("overlap").textValue()),
        WindowPolicy.valueOf(o.required("windowPolicy").textValue()),
        new OutputPolicy(
            output.required("store").booleanValue(), output.required("maxBytes").intValue()),
        rules,
        stringSet(o.required("dependsOn")),
        o.required("enabled").booleanValue(),
        optText(o, "description"),
        stringSet(o.required("tags")),
        duration(o.required("offlineHold")));
  }

  // ---------------------------------------------------------------- triggers

  /**
   * @param t a trigger
   * @return its JSON form, with its kind in {@code "kind"}
   */
  static ObjectNode trigger(Trigger t) {
    ObjectNode o = F.objectNode();
    if (t instanceof CronTrigger c) {
      o.put("kind", "cron");
      o.set("cron", cron(c.cron()));
    } else if (t instanceof OnceTrigger once) {
      o.put("kind", "once");
      o.put("at", once.at().toString());
    } else if (t instanceof DailyTrigger d) {
      o.put("kind", "daily");
      o.put("at", d.at().toString());
      o.put("dst", d.dstPolicy().name());
    } else if (t instanceof WeeklyTrigger w) {
      o.put("kind", "weekly");
      o.set("days", names(w.days()));
      o.put("at", w.at().toString());
      o.put("dst", w.dstPolicy().name());
    } else if (t instanceof MonthlyTrigger m) {
      o.put("kind", "monthly");
      o.put("dayOfMonth", m.dayOfMonth());
      o.put("at", m.at().toString());
      o.put("dst", m.dstPolicy().name());
    } else if (t instanceof IntervalTrigger i) {
      o.put("kind", "interval");
      o.put("interval", i.interval().toString());
      o.put("anchor", i.anchor().toString());
    } else if (t instanceof AfterCompletionTrigger a) {
      o.put("kind", "afterCompletion");
      o.put("scheduleId", a.scheduleId());
      o.set("outcomes", names(a.outcomes()));
      o.put("delay", a.delay().toString());
    } else {
      throw new IllegalStateException("no codec for trigger " + t.getClass().getName());
    }
    o.put("zone", t.zone().getId());
    return o;
  }

  /**
   * @param o a trigger's JSON form
   * @return the trigger
   */
  static Trigger trigger(JsonNode o) {
    String kind = o.required("kind").textValue();
    ZoneId zone = ZoneId.of(o.required("zone").textValue());
    switch (kind) {
      case "cron":
        return new CronTrigger(cron(o.required("cron")), zone);
      case "once":
        return new OnceTrigger(instant(o.required("at")), zone);
      case "daily":
        return new DailyTrigger(localTime(o.required("at")), zone, dst(o));
      case "weekly":
        {
          EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
          for (JsonNode d : o.required("days")) {
            days.add(DayOfWeek.valueOf(d.textValue()));
          }
          return new WeeklyTrigger(days, localTime(o.required("at")), zone, dst(o));
        }
      case "monthly":
        return new MonthlyTrigger(
            o.required("dayOfMonth").intValue(), localTime(o.required("at")), zone, dst(o));
      case "interval":
        return new IntervalTrigger(
            duration(o.required("interval")), instant(o.required("anchor")), zone);
      case "afterCompletion":
        {
          EnumSet<JobStatus> outcomes = EnumSet.noneOf(JobStatus.class);
          for (JsonNode s : o.required("outcomes")) {
            outcomes.add(JobStatus.valueOf(s.textValue()));
          }
          return new AfterCompletionTrigger(
              o.required("scheduleId").textValue(), outcomes, duration(o.required("delay")), zone);
        }
      default:
        throw new IllegalStateException(
            "unknown trigger kind \"" + kind + "\" in a stored schedule");
    }
  }

  private static ObjectNode cron(Cron c) {
    ObjectNode o = F.objectNode();
    o.put("expression", c.expression());
    o.put("dialect", c.dialect().name());
    o.put("dst", c.dstPolicy().name());
    return o;
  }

  private static Cron cron(JsonNode o) {
    return Cron.parse(
            o.required("expression").textValue(),
            Cron.Dialect.valueOf(o.required("dialect").textValue()))
        .withDstPolicy(DstPolicy.valueOf(o.required("dst").textValue()));
  }

  private static DstPolicy dst(JsonNode o) {
    return DstPolicy.valueOf(o.required("dst").textValue());
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
    String text = o.required("text").textValue();
    boolean truncated = o.required("truncated").booleanValue();
    long total = o.required("totalBytes").longValue();
    if (text.isEmpty() && !truncated && total == 0) {
      return CapturedOutput.EMPTY;
    }
    return new CapturedOutput(text, truncated, total);
  }

  private static ArrayNode strings(Collection<String> values) {
    ArrayNode a = F.arrayNode(values.size());
    for (String v : values) {
      a.add(v);
    }
    return a;
  }

  private static ArrayNode names(Collection<? extends Enum<?>> values) {
    ArrayNode a = F.arrayNode(values.size());
    for (Enum<?> v : values) {
      a.add(v.name());
    }
    return a;
  }

  private static Set<String> stringSet(JsonNode a) {
    Set<String> s = new LinkedHashSet<>();
    for (JsonNode v : a) {
      s.add(v.textValue());
    }
    return s;
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

  private static Duration duration(JsonNode v) {
    return Duration.parse(v.textValue());
  }

  private static LocalTime localTime(JsonNode v) {
    return LocalTime.parse(v.textValue());
  }

  /**
   * @return the text of an optional field, or null when absent or null
   */
  public static String optText(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.textValue();
  }

  /**
   * @return the enum constant an optional field names, or null when absent or null
   */
  public static <E extends Enum<E>> E optEnum(JsonNode o, String field, Class<E> type) {
    String name = optText(o, field);
    return name == null ? null : Enum.valueOf(type, name);
  }

  /**
   * @return the tree as JSON text
   */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /**
   * Parses a stored document. The text is never quoted in the exception: it may hold a script's
   * content.
   */
  public static JsonNode read(String doc, String what) {
    try {
      JsonNode node = MAPPER.readTree(doc);
      int format = node.path("v").asInt(-1);
      if (format != FORMAT) {
        throw new IllegalStateException(
            "stored " + what + " document format must be " + FORMAT + ", but was " + format);
      }
      return node;
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw new IllegalStateException(
          "stored " + what + " document must be JSON, but was not" + where);
    }
  }
}
