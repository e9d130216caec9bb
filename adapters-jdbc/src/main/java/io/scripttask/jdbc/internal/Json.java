package io.scripttask.jdbc.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
import java.io.IOException;
import java.io.StringWriter;
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
   * The document of a job: every field but the version. Written with Jackson's streaming generator
   * (a job document is written at every claim and every result, so it is the store's hottest
   * codec), in the same form the tree codecs would write.
   *
   * @param j the job
   * @return the JSON text
   */
  public static String jobDoc(Job j) {
    StringWriter out =
        new StringWriter(384 + j.stdout().text().length() + j.stderr().text().length());
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", FORMAT);
      g.writeStringField("id", j.id());
      g.writeStringField("scheduleId", j.scheduleId());
      g.writeObjectFieldStart("fireKey");
      g.writeStringField("scheduleId", j.fireKey().scheduleId());
      g.writeStringField("fireTime", IsoInstants.format(j.fireKey().fireTime()));
      g.writeStringField("nodeId", j.fireKey().nodeId());
      g.writeEndObject();
      g.writeArrayFieldStart("groups");
      for (String group : j.groups()) {
        g.writeString(group);
      }
      g.writeEndArray();
      g.writeStringField("scriptId", j.scriptId());
      g.writeStringField("scriptHash", j.scriptHash());
      g.writeStringField("priority", j.priority().name());
      g.writeStringField("dueAt", IsoInstants.format(j.dueAt()));
      g.writeNumberField("sequence", j.sequence());
      g.writeNumberField("attempt", j.attempt());
      g.writeNumberField("maxAttempts", j.maxAttempts());
      g.writeStringField("status", j.status().name());
      g.writeStringField("waitReason", j.waitReason() == null ? null : j.waitReason().name());
      g.writeStringField("skipReason", j.skipReason() == null ? null : j.skipReason().name());
      g.writeStringField("detail", j.detail());
      if (j.exitCode() == null) {
        g.writeNullField("exitCode");
      } else {
        g.writeNumberField("exitCode", j.exitCode().intValue());
      }
      writeOutput(g, "stdout", j.stdout());
      writeOutput(g, "stderr", j.stderr());
      g.writeStringField("createdAt", IsoInstants.format(j.createdAt()));
      g.writeStringField("startedAt", fastText(j.startedAt()));
      g.writeStringField("finishedAt", fastText(j.finishedAt()));
      g.writeStringField("nextAttemptAt", fastText(j.nextAttemptAt()));
      g.writeObjectFieldStart("triggeredBy");
      g.writeStringField("kind", j.triggeredBy().kind().name());
      g.writeStringField("actor", j.triggeredBy().actor());
      g.writeEndObject();
      g.writeStringField("owner", j.owner());
      g.writeNumberField("fencingToken", j.fencingToken());
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("a job document could not be written", e);
    }
    return out.toString();
  }

  private static void writeOutput(JsonGenerator g, String field, CapturedOutput out)
      throws IOException {
    g.writeObjectFieldStart(field);
    g.writeStringField("text", out.text());
    g.writeBooleanField("truncated", out.truncated());
    g.writeNumberField("totalBytes", out.totalBytes());
    g.writeEndObject();
  }

  private static String fastText(Instant t) {
    return t == null ? null : IsoInstants.format(t);
  }

  /**
   * Rebuilds a job from its document and version column, with Jackson's streaming parser. Fields
   * the document lacks are reported by name; fields this code does not know are skipped.
   *
   * @param doc the document
   * @param version the version column
   * @return the job
   */
  public static Job job(String doc, long version) {
    try (JsonParser p = MAPPER.getFactory().createParser(doc)) {
      JobFields f = new JobFields();
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "job");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "v" -> f.format = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
          case "id" -> f.id = p.getValueAsString();
          case "scheduleId" -> f.scheduleId = p.getValueAsString();
          case "fireKey" -> {
            expect(p, t, JsonToken.START_OBJECT, "job");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              p.nextToken();
              switch (k) {
                case "scheduleId" -> f.fireScheduleId = p.getValueAsString();
                case "fireTime" -> f.fireTime = p.getValueAsString();
                case "nodeId" -> f.fireNodeId = p.getValueAsString();
                default -> p.skipChildren();
              }
            }
          }
          case "groups" -> {
            expect(p, t, JsonToken.START_ARRAY, "job");
            f.groups = new LinkedHashSet<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
              f.groups.add(p.getValueAsString());
            }
          }
          case "scriptId" -> f.scriptId = p.getValueAsString();
          case "scriptHash" -> f.scriptHash = p.getValueAsString();
          case "priority" -> f.priority = p.getValueAsString();
          case "dueAt" -> f.dueAt = p.getValueAsString();
          case "sequence" -> f.sequence = number(p, t);
          case "attempt" -> f.attempt = number(p, t);
          case "maxAttempts" -> f.maxAttempts = number(p, t);
          case "status" -> f.status = p.getValueAsString();
          case "waitReason" -> f.waitReason = p.getValueAsString();
          case "skipReason" -> f.skipReason = p.getValueAsString();
          case "detail" -> f.detail = p.getValueAsString();
          case "exitCode" -> f.exitCode = t == JsonToken.VALUE_NULL ? null : p.getIntValue();
          case "stdout" -> f.stdout = readOutput(p, t);
          case "stderr" -> f.stderr = readOutput(p, t);
          case "createdAt" -> f.createdAt = p.getValueAsString();
          case "startedAt" -> f.startedAt = p.getValueAsString();
          case "finishedAt" -> f.finishedAt = p.getValueAsString();
          case "nextAttemptAt" -> f.nextAttemptAt = p.getValueAsString();
          case "triggeredBy" -> {
            expect(p, t, JsonToken.START_OBJECT, "job");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              p.nextToken();
              switch (k) {
                case "kind" -> f.triggerKind = p.getValueAsString();
                case "actor" -> f.triggerActor = p.getValueAsString();
                default -> p.skipChildren();
              }
            }
          }
          case "owner" -> f.owner = p.getValueAsString();
          case "fencingToken" -> f.fencingToken = number(p, t);
          default -> p.skipChildren();
        }
      }
      if (f.format != FORMAT) {
        throw new IllegalStateException(
            "stored job document format must be " + FORMAT + ", but was " + f.format);
      }
      return f.job(version);
    } catch (JsonProcessingException e) {
      throw notJson("job", e);
    } catch (IOException e) {
      throw new IllegalStateException("stored job document could not be read", e);
    }
  }

  /** The fields of a job document as read, checked when the job is built. */
  private static final class JobFields {
    int format = -1;
    String id;
    String scheduleId;
    String fireScheduleId;
    String fireTime;
    String fireNodeId;
    Set<String> groups;
    String scriptId;
    String scriptHash;
    String priority;
    String dueAt;
    Long sequence;
    Long attempt;
    Long maxAttempts;
    String status;
    String waitReason;
    String skipReason;
    String detail;
    Integer exitCode;
    CapturedOutput stdout;
    CapturedOutput stderr;
    String createdAt;
    String startedAt;
    String finishedAt;
    String nextAttemptAt;
    String triggerKind;
    String triggerActor;
    String owner;
    Long fencingToken;

    Job job(long version) {
      return new Job(
          need(id, "id"),
          scheduleId,
          new FireKey(
              need(fireScheduleId, "fireKey.scheduleId"),
              IsoInstants.parse(need(fireTime, "fireKey.fireTime")),
              need(fireNodeId, "fireKey.nodeId")),
          need(groups, "groups"),
          need(scriptId, "scriptId"),
          need(scriptHash, "scriptHash"),
          Priority.valueOf(need(priority, "priority")),
          IsoInstants.parse(need(dueAt, "dueAt")),
          need(sequence, "sequence"),
          Math.toIntExact(need(attempt, "attempt")),
          Math.toIntExact(need(maxAttempts, "maxAttempts")),
          JobStatus.valueOf(need(status, "status")),
          waitReason == null ? null : WaitReason.valueOf(waitReason),
          skipReason == null ? null : SkipReason.valueOf(skipReason),
          detail,
          exitCode,
          need(stdout, "stdout"),
          need(stderr, "stderr"),
          IsoInstants.parse(need(createdAt, "createdAt")),
          startedAt == null ? null : IsoInstants.parse(startedAt),
          finishedAt == null ? null : IsoInstants.parse(finishedAt),
          nextAttemptAt == null ? null : IsoInstants.parse(nextAttemptAt),
          new TriggeredBy(
              TriggeredBy.Kind.valueOf(need(triggerKind, "triggeredBy.kind")),
              need(triggerActor, "triggeredBy.actor")),
          owner,
          need(fencingToken, "fencingToken"),
          version);
    }
  }

  private static <T> T need(T value, String field) {
    if (value == null) {
      throw new IllegalStateException(
          "stored job document must have the field '" + field + "', but it was missing or null");
    }
    return value;
  }

  private static Long number(JsonParser p, JsonToken t) throws IOException {
    return t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
  }

  private static CapturedOutput readOutput(JsonParser p, JsonToken t) throws IOException {
    expect(p, t, JsonToken.START_OBJECT, "job");
    String text = null;
    Boolean truncated = null;
    Long total = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String k = p.currentName();
      JsonToken v = p.nextToken();
      switch (k) {
        case "text" -> text = p.getValueAsString();
        case "truncated" -> truncated = v == JsonToken.VALUE_TRUE;
        case "totalBytes" -> total = number(p, v);
        default -> p.skipChildren();
      }
    }
    need(text, "text");
    need(truncated, "truncated");
    need(total, "totalBytes");
    if (text.isEmpty() && !truncated && total == 0) {
      return CapturedOutput.EMPTY;
    }
    return new CapturedOutput(text, truncated, total);
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String what) {
    if (actual != wanted) {
      throw new IllegalStateException(
          "stored "
              + what
              + " document must hold "
              + wanted.asString()
              + " at line "
              + p.currentLocation().getLineNr()
              + ", column "
              + p.currentLocation().getColumnNr()
              + ", but held "
              + (actual == null ? "nothing" : actual.name()));
    }
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

  private static Instant instant(JsonNode v) {
    return IsoInstants.parse(v.textValue());
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
      throw notJson(what, e);
    }
  }

  private static IllegalStateException notJson(String what, JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " (line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
                + ")";
    return new IllegalStateException(
        "stored " + what + " document must be JSON, but was not" + where);
  }
}
