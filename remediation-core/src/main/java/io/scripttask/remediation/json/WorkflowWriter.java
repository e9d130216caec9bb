package io.scripttask.remediation.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scripttask.remediation.ApprovalStep;
import io.scripttask.remediation.CommandStep;
import io.scripttask.remediation.Compensation;
import io.scripttask.remediation.CompensationFailure;
import io.scripttask.remediation.Condition;
import io.scripttask.remediation.ConditionStep;
import io.scripttask.remediation.DelayStep;
import io.scripttask.remediation.EmailStep;
import io.scripttask.remediation.EscalateStep;
import io.scripttask.remediation.EscalationPolicy;
import io.scripttask.remediation.EscalationTier;
import io.scripttask.remediation.FailStep;
import io.scripttask.remediation.HealthCheckStep;
import io.scripttask.remediation.InterruptPolicy;
import io.scripttask.remediation.JsonSource;
import io.scripttask.remediation.NotifyStep;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.OutputSource;
import io.scripttask.remediation.QuarantineStep;
import io.scripttask.remediation.RateLimit;
import io.scripttask.remediation.ScriptRef;
import io.scripttask.remediation.ScriptStep;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepRetry;
import io.scripttask.remediation.SucceedStep;
import io.scripttask.remediation.Template;
import io.scripttask.remediation.Verification;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowTrigger;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Notification.Severity;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.Target;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Turns a workflow into a JSON tree; the inverse of {@link WorkflowReader}. */
final class WorkflowWriter {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final boolean canonical;

  WorkflowWriter(boolean canonical) {
    this.canonical = canonical;
  }

  ObjectNode write(Workflow w) {
    ObjectNode o = F.objectNode();
    o.put("id", w.id());
    o.put("name", w.name());
    w.description().ifPresent(d -> o.put("description", d));
    if (!(w.trigger() instanceof WorkflowTrigger.Manual) || canonical) {
      o.set("trigger", trigger(w.trigger()));
    }
    List<Step> steps = new ArrayList<>(w.steps().values());
    if (canonical) {
      steps.sort((a, b) -> a.id().compareTo(b.id()));
    }
    ArrayNode arr = o.putArray("steps");
    for (Step s : steps) {
      arr.add(step(s));
    }
    String first = w.steps().keySet().iterator().next();
    if (canonical || !w.entryStep().equals(first)) {
      o.put("entry", w.entryStep());
    }
    w.deadline().ifPresent(d -> o.set("deadline", duration(d)));
    o.put("rollbackEnabled", w.rollbackEnabled());
    if (w.onCompensationFailure() != CompensationFailure.STOP_AND_ESCALATE || canonical) {
      o.put("onCompensationFailure", compensationFailure(w.onCompensationFailure()));
    }
    w.escalation().ifPresent(e -> o.set("escalation", escalation(e)));
    w.cooldown().ifPresent(d -> o.set("cooldown", duration(d)));
    w.rateLimit().ifPresent(r -> o.set("rateLimit", rateLimit(r)));
    if (!canonical) {
      o.put("enabled", w.enabled());
    }
    if (!w.tags().isEmpty()) {
      ArrayNode tags = o.putArray("tags");
      w.tags().forEach(tags::add);
    }
    return o;
  }

  static String compensationFailure(CompensationFailure f) {
    return switch (f) {
      case STOP_AND_ESCALATE -> "stopAndEscalate";
      case CONTINUE -> "continue";
      case RETRY -> "retry";
    };
  }

  // ---------------------------------------------------------------- trigger

  private ObjectNode trigger(WorkflowTrigger t) {
    ObjectNode o = F.objectNode();
    if (t instanceof WorkflowTrigger.Manual) {
      o.put("type", "manual");
    } else if (t instanceof WorkflowTrigger.MetricThreshold m) {
      o.put("type", "threshold");
      o.set("condition", condition(m.fire()));
      if (!m.hasDefaultClear()) {
        o.set("clear", condition(m.clear()));
      }
      if (m.m() != 1 || m.n() != 1) {
        o.put("m", m.m());
        o.put("n", m.n());
      }
    } else if (t instanceof WorkflowTrigger.JobFailed j) {
      o.put("type", "jobFailed");
      if (j.scheduleId() != null) {
        o.put("scheduleId", j.scheduleId());
      }
      if (!j.statuses().equals(WorkflowTrigger.JobFailed.DEFAULT_STATUSES) || canonical) {
        ArrayNode arr = o.putArray("statuses");
        new TreeSet<JobStatus>(j.statuses()).forEach(s -> arr.add(s.name()));
      }
    } else if (t instanceof WorkflowTrigger.CronTrigger c) {
      o.put("type", "cron");
      o.put("cron", c.cron());
      o.put("zone", c.zone().getId());
      o.set("target", target(c.target()));
    }
    return o;
  }

  static ObjectNode target(Target t) {
    ObjectNode o = F.objectNode();
    if (!t.nodeIds().isEmpty()) {
      ArrayNode a = o.putArray("nodes");
      t.nodeIds().forEach(a::add);
    }
    if (!t.groupIds().isEmpty()) {
      ArrayNode a = o.putArray("groups");
      t.groupIds().forEach(a::add);
    }
    if (!t.tagSelectors().isEmpty()) {
      ArrayNode a = o.putArray("tags");
      for (Set<String> selector : t.tagSelectors()) {
        ArrayNode s = a.addArray();
        selector.forEach(s::add);
      }
    }
    if (t.allNodes()) {
      o.put("all", true);
    }
    return o;
  }

  // ---------------------------------------------------------------- steps

  private ObjectNode step(Step s) {
    ObjectNode o = F.objectNode();
    o.put("id", s.id());
    if (s instanceof NotifyStep n && n.url() != null) {
      o.put("type", "webhook");
    } else {
      o.put("type", s.kind());
    }
    if (s.description() != null) {
      o.put("description", s.description());
    }
    if (!s.timeout().equals(Step.DEFAULT_TIMEOUT) || canonical) {
      o.set("timeout", duration(s.timeout()));
    }

    if (s instanceof ScriptStep x) {
      scriptRef(o, "scriptId", "script", x.script());
      if (x.target() != null) {
        o.set("target", target(x.target()));
      }
      environment(o, x.environment());
    } else if (s instanceof CommandStep x) {
      ArrayNode arr = o.putArray("commands");
      x.commands().forEach(arr::add);
      if (!x.stopOnFailure() || canonical) {
        o.put("stopOnFailure", x.stopOnFailure());
      }
      if (x.shell() != Shell.SH || canonical) {
        o.put("shell", x.shell().name().toLowerCase(Locale.ROOT));
      }
      if (x.target() != null) {
        o.set("target", target(x.target()));
      }
      environment(o, x.environment());
    } else if (s instanceof NotifyStep x) {
      if (x.url() != null) {
        o.put("url", canonical ? sha256(x.url().reveal()) : x.url().reveal());
        if (x.method() != null) {
          o.put("method", x.method());
        }
        o.put("webhookType", x.channel());
      } else {
        if (x.channel() != null) {
          o.put("channel", x.channel());
        }
        if (x.method() != null) {
          o.put("method", x.method());
        }
      }
      if (x.severity() != Severity.INFO || canonical) {
        o.put("severity", severity(x.severity()));
      }
      template(o, "subject", x.subject(), NotifyStep.DEFAULT_SUBJECT);
      template(o, "body", x.body(), Template.EMPTY);
    } else if (s instanceof io.scripttask.remediation.EmailStep x) {
      writeEmail(o, x);
    } else if (s instanceof DelayStep x) {
      if (x.duration() != null) {
        o.set("duration", duration(x.duration()));
      }
    } else if (s instanceof ConditionStep x) {
      if (x.condition() != null) {
        o.set("condition", condition(x.condition()));
      }
    } else if (s instanceof HealthCheckStep x) {
      scriptRef(o, "scriptId", "script", x.script());
      if (x.interval() != null) {
        o.set("interval", duration(x.interval()));
      }
      if (x.probeTimeout() != null) {
        o.set("probeTimeout", duration(x.probeTimeout()));
      }
      environment(o, x.environment());
    } else if (s instanceof QuarantineStep x) {
      template(o, "reason", x.reason(), QuarantineStep.DEFAULT_REASON);
    } else if (s instanceof ApprovalStep x) {
      if (!x.approvers().isEmpty()) {
        ArrayNode arr = o.putArray("approvers");
        x.approvers().forEach(arr::add);
      }
      template(o, "message", x.message(), ApprovalStep.DEFAULT_MESSAGE);
      if (x.ttl() != null) {
        o.set("ttl", duration(x.ttl()));
      }
      if (x.channel() != null) {
        o.put("channel", x.channel());
      }
    } else if (s instanceof EscalateStep x) {
      if (x.policy() != null) {
        o.set("policy", escalation(x.policy()));
      }
    } else if (s instanceof SucceedStep x) {
      if (x.message() != null) {
        o.put("message", x.message());
      }
    } else if (s instanceof FailStep x) {
      if (x.message() != null) {
        o.put("message", x.message());
      }
    }
    // ReleaseStep: nothing of its own

    if (!s.retry().equals(StepRetry.NONE) || canonical) {
      o.set("retryPolicy", retry(s.retry()));
    }
    if (s.successCriteria() != null) {
      o.set("successCriteria", condition(s.successCriteria()));
    }
    Compensation c = s.compensation();
    if (c != null) {
      scriptRef(o, "rollbackScriptId", "rollbackScript", c.script());
      if (c.timeout() != null) {
        o.set("rollbackTimeout", duration(c.timeout()));
      }
    }
    Verification v = s.verification();
    if (v != null) {
      scriptRef(o, "verifyScriptId", "verifyScript", v.script());
      if (v.healthyWhen() != null) {
        o.set("verifyCriteria", condition(v.healthyWhen()));
      }
      if (v.timeout() != null) {
        o.set("verifyTimeout", duration(v.timeout()));
      }
    }
    if (s.interruptPolicy() != InterruptPolicy.FAIL || canonical) {
      o.put("interruptPolicy", s.interruptPolicy().name().toLowerCase(Locale.ROOT));
    }
    if (s.onSuccess() != null) {
      o.put("onSuccess", s.onSuccess());
    }
    if (s.onFailure() != null) {
      o.put("onFailure", s.onFailure());
    }
    return o;
  }

  private void writeEmail(ObjectNode o, EmailStep x) {
    if (x.to().size() == 1) {
      o.put("to", x.to().get(0));
    } else {
      ArrayNode arr = o.putArray("to");
      x.to().forEach(arr::add);
    }
    template(o, "subject", x.subject(), NotifyStep.DEFAULT_SUBJECT);
    template(o, "body", x.body(), EmailStep.DEFAULT_BODY);
    if (!x.channel().equals(EmailStep.DEFAULT_CHANNEL) || canonical) {
      o.put("channel", x.channel());
    }
    if (x.severity() != Severity.WARNING || canonical) {
      o.put("severity", severity(x.severity()));
    }
  }

  private void template(ObjectNode o, String field, Template t, Template byDefault) {
    if (!t.equals(byDefault) || canonical) {
      o.put(field, t.text());
    }
  }

  private static void environment(ObjectNode o, Map<String, Template> env) {
    if (!env.isEmpty()) {
      ObjectNode e = o.putObject("environment");
      env.forEach((k, v) -> e.put(k, v.text()));
    }
  }

  private void scriptRef(ObjectNode o, String idField, String inlineField, ScriptRef ref) {
    if (ref instanceof ScriptRef.Library l) {
      o.put(idField, l.scriptId());
    } else if (ref instanceof ScriptRef.Inline i) {
      o.set(inlineField, script(i.script()));
    }
  }

  static ObjectNode script(Script s) {
    ObjectNode o = F.objectNode();
    o.put("id", s.id());
    if (!s.name().equals(s.id())) {
      o.put("name", s.name());
    }
    o.put("shell", s.shell().name().toLowerCase(Locale.ROOT));
    if (s.content() != null) {
      o.put("content", s.content());
    } else {
      ArrayNode arr = o.putArray("commands");
      s.commands().forEach(arr::add);
      if (!s.stopOnFailure()) {
        o.put("stopOnFailure", false);
      }
    }
    if (!s.defaultTimeout().equals(Script.DEFAULT_TIMEOUT)) {
      o.set("timeout", duration(s.defaultTimeout()));
    }
    return o;
  }

  static String severity(Severity s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private ObjectNode retry(StepRetry r) {
    ObjectNode o = F.objectNode();
    o.put("maxAttempts", r.maxAttempts());
    boolean fixed = r.multiplier() == 1.0;
    o.put("backoffType", fixed ? "fixed" : "exponential");
    o.set("delaySeconds", duration(r.initialBackoff()));
    if (!fixed && (r.multiplier() != StepRetry.DEFAULT_MULTIPLIER || canonical)) {
      o.put("multiplier", r.multiplier());
    }
    Duration derivedMax =
        fixed
            ? r.initialBackoff()
            : (r.initialBackoff().compareTo(StepRetry.DEFAULT_MAX_BACKOFF) > 0
                ? r.initialBackoff()
                : StepRetry.DEFAULT_MAX_BACKOFF);
    if (!r.maxBackoff().equals(derivedMax) || canonical) {
      o.set("maxDelaySeconds", duration(r.maxBackoff()));
    }
    double derivedJitter = fixed ? 0.0 : StepRetry.DEFAULT_JITTER;
    if (r.jitter() != derivedJitter || canonical) {
      o.put("jitter", r.jitter());
    }
    if (r.budget() != null) {
      o.set("budgetSeconds", duration(r.budget()));
    }
    if (r.retryOn() != null) {
      o.set("retryOn", condition(r.retryOn()));
    }
    return o;
  }

  private ObjectNode escalation(EscalationPolicy e) {
    ObjectNode o = F.objectNode();
    ArrayNode tiers = o.putArray("tiers");
    for (EscalationTier t : e.tiers()) {
      ObjectNode n = tiers.addObject();
      n.put("channel", t.channel());
      n.set("delay", duration(t.delay()));
      if (t.severity() != Severity.CRITICAL || canonical) {
        n.put("severity", severity(t.severity()));
      }
      if (!t.message().equals(EscalationTier.DEFAULT_MESSAGE) || canonical) {
        n.put("message", t.message().text());
      }
    }
    if (e.repeat() != 1 || canonical) {
      o.put("repeat", e.repeat());
    }
    return o;
  }

  private static ObjectNode rateLimit(RateLimit r) {
    ObjectNode o = F.objectNode();
    if (r.limitsExecutions()) {
      o.put("maxExecutions", r.maxExecutions());
    }
    o.set("period", duration(r.period()));
    if (r.limitsConcurrentNodes()) {
      o.put("maxConcurrentNodes", r.maxConcurrentNodes());
    }
    return o;
  }

  // ---------------------------------------------------------------- conditions

  static ObjectNode condition(Condition c) {
    ObjectNode o = F.objectNode();
    if (c instanceof Condition.ExitCode x) {
      o.put("type", "exitCode");
      if (x.op() != Op.EQ) {
        o.put("operator", x.op().jsonName());
      }
      o.put("exitCode", x.value());
    } else if (c instanceof Condition.OutputContains x) {
      o.put("type", "outputContains");
      o.put("text", x.text());
      if (x.source() != OutputSource.STDOUT) {
        o.put("stream", x.source().name().toLowerCase(Locale.ROOT));
      }
      if (x.ignoreCase()) {
        o.put("ignoreCase", true);
      }
    } else if (c instanceof Condition.Regex x) {
      o.put("type", "regex");
      o.put("pattern", x.pattern());
      if (x.source() != OutputSource.STDOUT) {
        o.put("stream", x.source().name().toLowerCase(Locale.ROOT));
      }
    } else if (c instanceof Condition.JsonPath x) {
      o.put("type", "jsonPath");
      o.put("path", x.path());
      o.put("operator", x.op().jsonName());
      Object v = x.value();
      if (v instanceof Long l) {
        o.put("value", l);
      } else if (v instanceof Double d) {
        o.put("value", d);
      } else if (v instanceof Boolean b) {
        o.put("value", b);
      } else {
        o.put("value", String.valueOf(v));
      }
      if (x.source() != JsonSource.STDOUT) {
        o.put("source", x.source().name().toLowerCase(Locale.ROOT));
      }
    } else if (c instanceof Condition.Threshold x) {
      o.put("type", "threshold");
      o.put("field", x.field());
      o.put("operator", x.op().jsonName());
      double v = x.value();
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        o.put("value", (long) v);
      } else {
        o.put("value", v);
      }
    } else if (c instanceof Condition.And x) {
      o.put("type", "and");
      ArrayNode arr = o.putArray("conditions");
      x.conditions().forEach(y -> arr.add(condition(y)));
    } else if (c instanceof Condition.Or x) {
      o.put("type", "or");
      ArrayNode arr = o.putArray("conditions");
      x.conditions().forEach(y -> arr.add(condition(y)));
    } else if (c instanceof Condition.Not x) {
      o.put("type", "not");
      o.set("condition", condition(x.condition()));
    } else if (c instanceof Condition.OnStep x) {
      o.put("type", "step");
      o.put("step", x.stepId());
      o.set("condition", condition(x.condition()));
    }
    return o;
  }

  // ---------------------------------------------------------------- values

  /** Whole seconds as a number, millisecond precision as a decimal number, else ISO-8601. */
  static JsonNode duration(Duration d) {
    if (d.getNano() == 0) {
      return F.numberNode(d.getSeconds());
    }
    if (d.getNano() % 1_000_000 == 0 && !d.isNegative()) {
      return F.numberNode(BigDecimal.valueOf(d.toMillis()).movePointLeft(3));
    }
    return F.textNode(d.toString());
  }

  private static String sha256(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return "sha256:"
          + HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** A copy of the tree with every object's keys sorted. */
  static JsonNode sortKeys(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        sorted.put(e.getKey(), sortKeys(e.getValue()));
      }
      ObjectNode o = F.objectNode();
      sorted.forEach(o::set);
      return o;
    }
    if (node.isArray()) {
      ArrayNode a = F.arrayNode();
      node.forEach(n -> a.add(sortKeys(n)));
      return a;
    }
    return node;
  }
}
