package io.scripttask.remediation.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.scripttask.remediation.ApprovalStep;
import io.scripttask.remediation.CommandStep;
import io.scripttask.remediation.Compensation;
import io.scripttask.remediation.CompensationFailure;
import io.scripttask.remediation.Condition;
import io.scripttask.remediation.EmailStep;
import io.scripttask.remediation.EscalateStep;
import io.scripttask.remediation.EscalationPolicy;
import io.scripttask.remediation.EscalationTier;
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
import io.scripttask.remediation.Secret;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepRetry;
import io.scripttask.remediation.Template;
import io.scripttask.remediation.Verification;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowTrigger;
import io.scripttask.remediation.WorkflowValidationException;
import io.scripttask.remediation.WorkflowValidationException.Problem;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Notification.Severity;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.ValidationException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Turns a JSON tree into a workflow, collecting every problem on the way. Single use. */
final class WorkflowReader {

  private static final Set<String> WORKFLOW_FIELDS =
      Set.of(
          "id",
          "name",
          "description",
          "version",
          "trigger",
          "steps",
          "entry",
          "deadline",
          "rollbackEnabled",
          "onCompensationFailure",
          "escalation",
          "cooldown",
          "rateLimit",
          "enabled",
          "tags");

  private static final List<String> COMMON_FIELDS =
      List.of(
          "id",
          "type",
          "description",
          "timeout",
          "retryPolicy",
          "successCriteria",
          "rollbackScriptId",
          "rollbackScript",
          "rollbackTimeout",
          "interruptPolicy",
          "verifyScriptId",
          "verifyScript",
          "verifyCriteria",
          "verifyTimeout",
          "onSuccess",
          "onFailure",
          "next");

  private static final Map<String, List<String>> STEP_FIELDS = new LinkedHashMap<>();

  static {
    STEP_FIELDS.put("script", List.of("scriptId", "script", "target", "environment"));
    STEP_FIELDS.put(
        "command", List.of("commands", "stopOnFailure", "shell", "target", "environment"));
    STEP_FIELDS.put(
        "webhook", List.of("url", "method", "webhookType", "severity", "subject", "body"));
    STEP_FIELDS.put("notify", List.of("channel", "url", "method", "severity", "subject", "body"));
    STEP_FIELDS.put("email", List.of("to", "subject", "body", "channel", "severity"));
    STEP_FIELDS.put("delay", List.of("duration"));
    STEP_FIELDS.put("condition", List.of("condition"));
    STEP_FIELDS.put(
        "healthCheck", List.of("scriptId", "script", "interval", "probeTimeout", "environment"));
    STEP_FIELDS.put("quarantine", List.of("reason"));
    STEP_FIELDS.put("release", List.of());
    STEP_FIELDS.put("approval", List.of("approvers", "message", "ttl", "channel"));
    STEP_FIELDS.put("escalate", List.of("policy"));
    STEP_FIELDS.put("succeed", List.of("message"));
    STEP_FIELDS.put("fail", List.of("message"));
  }

  private static final Map<String, List<String>> CONDITION_FIELDS = new LinkedHashMap<>();

  static {
    CONDITION_FIELDS.put("exitCode", List.of("type", "exitCode", "operator", "value"));
    CONDITION_FIELDS.put("outputContains", List.of("type", "text", "stream", "ignoreCase"));
    CONDITION_FIELDS.put("regex", List.of("type", "pattern", "stream"));
    CONDITION_FIELDS.put("jsonPath", List.of("type", "path", "operator", "value", "source"));
    CONDITION_FIELDS.put("threshold", List.of("type", "field", "operator", "value"));
    CONDITION_FIELDS.put("and", List.of("type", "conditions"));
    CONDITION_FIELDS.put("or", List.of("type", "conditions"));
    CONDITION_FIELDS.put("not", List.of("type", "condition"));
    CONDITION_FIELDS.put("step", List.of("type", "step", "condition"));
  }

  private static final Map<String, List<String>> TRIGGER_FIELDS = new LinkedHashMap<>();

  static {
    TRIGGER_FIELDS.put("manual", List.of("type"));
    TRIGGER_FIELDS.put("threshold", List.of("type", "condition", "clear", "m", "n"));
    TRIGGER_FIELDS.put("jobFailed", List.of("type", "scheduleId", "statuses"));
    TRIGGER_FIELDS.put("cron", List.of("type", "cron", "zone", "target"));
  }

  private final List<Problem> problems = new ArrayList<>();

  /** The step being read, named in problems; null at the workflow level. */
  private String step;

  Workflow read(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new WorkflowValidationException(
          null,
          List.of(
              new Problem(
                  null, "json", "be a JSON object", root == null ? "empty" : kindOf(root))));
    }
    knownFields(root, "", WORKFLOW_FIELDS, "a workflow");
    String name = text(root, "name");
    String id = text(root, "id");
    if (id == null) {
      if (name != null && !slug(name).isEmpty()) {
        id = slug(name);
      } else {
        problem("id", "be given, or a name to derive it from", "null");
        id = "";
      }
    }
    Workflow.Builder b = Workflow.builder(id);
    if (name != null) {
      b.name(name);
    }
    b.description(text(root, "description"));
    JsonNode trigger = root.get("trigger");
    if (trigger != null && !trigger.isNull()) {
      WorkflowTrigger t = trigger(trigger);
      if (t != null) {
        b.trigger(t);
      }
    }
    JsonNode steps = root.get("steps");
    if (steps == null || steps.isNull()) {
      problem("steps", "be given (a list of steps)", "null");
    } else if (!steps.isArray()) {
      problem("steps", "be a list of steps", kindOf(steps));
    } else {
      for (int i = 0; i < steps.size(); i++) {
        Step s = step(steps.get(i), i);
        if (s != null) {
          b.step(s);
        }
        step = null;
      }
    }
    b.entry(text(root, "entry"));
    b.deadline(duration(root, "deadline"));
    b.rollbackEnabled(bool(root, "rollbackEnabled", false));
    String compFailure = text(root, "onCompensationFailure");
    if (compFailure != null) {
      CompensationFailure f = compensationFailure(compFailure);
      if (f != null) {
        b.onCompensationFailure(f);
      }
    }
    JsonNode escalation = root.get("escalation");
    if (escalation != null && !escalation.isNull()) {
      b.escalation(escalation(escalation, "escalation"));
    }
    b.cooldown(duration(root, "cooldown"));
    JsonNode rate = root.get("rateLimit");
    if (rate != null && !rate.isNull()) {
      b.rateLimit(rateLimit(rate));
    }
    b.enabled(bool(root, "enabled", true));
    List<String> tags = texts(root, "tags");
    if (tags != null) {
      b.tags(new LinkedHashSet<>(tags));
    }
    return b.build(problems);
  }

  static String slug(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return s.replaceAll("^-+|-+$", "");
  }

  // ---------------------------------------------------------------- steps

  private Step step(JsonNode node, int index) {
    if (!node.isObject()) {
      problem("steps[" + index + "]", "be a step object", kindOf(node));
      return null;
    }
    String id = text(node, "id");
    if (id == null) {
      problem("steps[" + index + "].id", "be given", "null");
      return null;
    }
    step = id;
    String type = text(node, "type");
    if (type == null) {
      problem("type", "be given: one of " + String.join(", ", STEP_FIELDS.keySet()), "null");
      return placeholder(node, id);
    }
    List<String> own = STEP_FIELDS.get(type);
    if (own == null) {
      problem("type", "be one of " + String.join(", ", STEP_FIELDS.keySet()), quote(type));
      return placeholder(node, id);
    }
    List<String> allowed = new ArrayList<>(COMMON_FIELDS);
    allowed.addAll(own);
    knownFields(node, "", Set.copyOf(allowed), "a " + type + " step");
    Step.Builder<?, ?> b = kind(node, id, type);
    common(node, b);
    return b.build();
  }

  /** Stands in for a step whose type is missing or unknown, so its id still resolves. */
  private Step placeholder(JsonNode node, String id) {
    Step.Builder<?, ?> b = Step.release(id);
    String onSuccess = text(node, "onSuccess");
    String onFailure = text(node, "onFailure");
    b.onSuccess(onSuccess).onFailure(onFailure);
    return b.build();
  }

  private Step.Builder<?, ?> kind(JsonNode n, String id, String type) {
    switch (type) {
      case "script":
        {
          ScriptStep.Builder b = Step.script(id);
          b.script(scriptRef(n, "scriptId", "script"));
          b.target(target(n, "target"));
          b.environment(environment(n));
          return b;
        }
      case "command":
        {
          CommandStep.Builder b = Step.command(id);
          List<String> commands = texts(n, "commands");
          if (commands == null) {
            problem("commands", "be given (a list of commands)", "null");
          } else {
            b.commands(commands);
          }
          b.stopOnFailure(bool(n, "stopOnFailure", true));
          Shell shell = shell(n, "shell");
          if (shell != null) {
            b.shell(shell);
          }
          b.target(target(n, "target"));
          environment(n).forEach((k, v) -> b.env(k, v.text()));
          return b;
        }
      case "webhook":
      case "notify":
        {
          NotifyStep.Builder b = Step.notify(id);
          if (type.equals("webhook")) {
            String channel = text(n, "webhookType");
            b.channel(channel == null ? NotifyStep.DEFAULT_WEBHOOK_CHANNEL : channel);
          } else {
            b.channel(text(n, "channel"));
          }
          b.url(secret(n, "url"));
          b.method(text(n, "method"));
          Severity sev = severity(n, "severity");
          if (sev != null) {
            b.severity(sev);
          }
          apply(n, "subject", b::subject);
          apply(n, "body", b::body);
          return b;
        }
      case "email":
        {
          EmailStep.Builder b = Step.email(id);
          JsonNode to = n.get("to");
          if (to != null && to.isTextual()) {
            b.to(to.asText());
          } else {
            List<String> list = texts(n, "to");
            if (list != null) {
              b.to(list);
            }
          }
          String channel = text(n, "channel");
          if (channel != null) {
            b.channel(channel);
          }
          Severity sev = severity(n, "severity");
          if (sev != null) {
            b.severity(sev);
          }
          apply(n, "subject", b::subject);
          apply(n, "body", b::body);
          return b;
        }
      case "delay":
        return Step.delay(id, duration(n, "duration"));
      case "condition":
        {
          JsonNode c = n.get("condition");
          Condition condition = c == null || c.isNull() ? null : condition(c, "condition");
          return Step.condition(id, condition);
        }
      case "healthCheck":
        {
          HealthCheckStep.Builder b = Step.healthCheck(id);
          b.script(scriptRef(n, "scriptId", "script"));
          b.interval(duration(n, "interval"));
          b.probeTimeout(duration(n, "probeTimeout"));
          environment(n).forEach((k, v) -> b.env(k, v.text()));
          return b;
        }
      case "quarantine":
        {
          QuarantineStep.Builder b = Step.quarantine(id);
          apply(n, "reason", b::reason);
          return b;
        }
      case "release":
        return Step.release(id);
      case "approval":
        {
          ApprovalStep.Builder b = Step.approval(id);
          List<String> approvers = texts(n, "approvers");
          if (approvers != null) {
            b.approvers(new LinkedHashSet<>(approvers));
          }
          apply(n, "message", b::message);
          b.ttl(duration(n, "ttl"));
          b.channel(text(n, "channel"));
          return b;
        }
      case "escalate":
        {
          EscalateStep.Builder b = Step.escalate(id);
          JsonNode p = n.get("policy");
          if (p != null && !p.isNull()) {
            b.policy(escalation(p, "policy"));
          }
          return b;
        }
      case "succeed":
        return Step.succeed(id).message(text(n, "message"));
      case "fail":
        return Step.fail(id).message(text(n, "message"));
      default:
        throw new IllegalStateException("unhandled step type " + type);
    }
  }

  private void common(JsonNode n, Step.Builder<?, ?> b) {
    b.description(text(n, "description"));
    Duration timeout = duration(n, "timeout");
    if (timeout != null) {
      b.timeout(timeout);
    }
    JsonNode retry = n.get("retryPolicy");
    if (retry != null && !retry.isNull()) {
      StepRetry r = retry(retry);
      if (r != null) {
        b.retry(r);
      }
    }
    JsonNode criteria = n.get("successCriteria");
    if (criteria != null && !criteria.isNull()) {
      b.successCriteria(condition(criteria, "successCriteria"));
    }
    ScriptRef rollback = scriptRef(n, "rollbackScriptId", "rollbackScript");
    Duration rollbackTimeout = duration(n, "rollbackTimeout");
    if (rollback != null) {
      b.compensation(new Compensation(rollback, rollbackTimeout));
    } else if (rollbackTimeout != null) {
      problem("rollbackTimeout", "come with rollbackScriptId or rollbackScript", rollbackTimeout);
    }
    ScriptRef verify = scriptRef(n, "verifyScriptId", "verifyScript");
    JsonNode verifyCriteria = n.get("verifyCriteria");
    Condition healthyWhen =
        verifyCriteria == null || verifyCriteria.isNull()
            ? null
            : condition(verifyCriteria, "verifyCriteria");
    Duration verifyTimeout = duration(n, "verifyTimeout");
    if (verify != null) {
      b.verify(new Verification(verify, healthyWhen, verifyTimeout));
    } else {
      if (verifyCriteria != null && !verifyCriteria.isNull()) {
        problem("verifyCriteria", "come with verifyScriptId or verifyScript", "a condition");
      }
      if (verifyTimeout != null) {
        problem("verifyTimeout", "come with verifyScriptId or verifyScript", verifyTimeout);
      }
    }
    String policy = text(n, "interruptPolicy");
    if (policy != null) {
      InterruptPolicy p = interruptPolicy(policy);
      if (p != null) {
        b.interruptPolicy(p);
      }
    }
    String next = text(n, "next");
    String onSuccess = text(n, "onSuccess");
    String onFailure = text(n, "onFailure");
    if (next != null) {
      if (onSuccess != null || onFailure != null) {
        problem("next", "not be given together with onSuccess or onFailure", quote(next));
      } else {
        b.next(next);
      }
    }
    if (onSuccess != null) {
      b.onSuccess(onSuccess);
    }
    if (onFailure != null) {
      b.onFailure(onFailure);
    }
  }

  private StepRetry retry(JsonNode n) {
    if (!n.isObject()) {
      problem("retryPolicy", "be an object", kindOf(n));
      return null;
    }
    knownFields(
        n,
        "retryPolicy.",
        Set.of(
            "maxAttempts",
            "backoffType",
            "delaySeconds",
            "multiplier",
            "maxDelaySeconds",
            "jitter",
            "budgetSeconds",
            "retryOn"),
        "a retry policy");
    StepRetry.Builder b = StepRetry.builder();
    String backoff = text(n, "backoffType", "retryPolicy.backoffType");
    boolean fixed = false;
    if (backoff != null) {
      if (backoff.equalsIgnoreCase("fixed")) {
        fixed = true;
        b.multiplier(1.0).jitter(0.0);
      } else if (!backoff.equalsIgnoreCase("exponential")) {
        problem("retryPolicy.backoffType", "be exponential or fixed", quote(backoff));
      }
    }
    Integer max = integer(n, "maxAttempts", "retryPolicy.maxAttempts");
    if (max != null) {
      b.maxAttempts(max);
    }
    Duration delay = duration(n, "delaySeconds", "retryPolicy.delaySeconds");
    if (delay != null) {
      if (delay.isNegative()) {
        problem("retryPolicy.delaySeconds", "not be negative", delay);
      } else {
        b.initialBackoff(delay);
        if (fixed) {
          b.maxBackoff(delay);
        }
      }
    } else if (fixed) {
      b.maxBackoff(StepRetry.DEFAULT_INITIAL_BACKOFF);
    }
    Double multiplier = decimal(n, "multiplier", "retryPolicy.multiplier");
    if (multiplier != null) {
      b.multiplier(multiplier);
    }
    Duration maxDelay = duration(n, "maxDelaySeconds", "retryPolicy.maxDelaySeconds");
    if (maxDelay != null) {
      b.maxBackoff(maxDelay);
    }
    Double jitter = decimal(n, "jitter", "retryPolicy.jitter");
    if (jitter != null) {
      b.jitter(jitter);
    }
    Duration budget = duration(n, "budgetSeconds", "retryPolicy.budgetSeconds");
    if (budget != null) {
      b.budget(budget);
    }
    JsonNode retryOn = n.get("retryOn");
    if (retryOn != null && !retryOn.isNull()) {
      Condition c = condition(retryOn, "retryPolicy.retryOn");
      if (c != null) {
        b.retryOn(c);
      }
    }
    return attempt("retryPolicy", b::build);
  }

  private ScriptRef scriptRef(JsonNode n, String idField, String inlineField) {
    String id = text(n, idField);
    JsonNode inline = n.get(inlineField);
    boolean hasInline = inline != null && !inline.isNull();
    if (id != null && hasInline) {
      problem(inlineField, "not be given together with " + idField, "an inline script");
      return null;
    }
    if (id != null) {
      return ScriptRef.library(id);
    }
    if (hasInline) {
      Script s = script(inline, inlineField);
      return s == null ? null : ScriptRef.inline(s);
    }
    return null;
  }

  private Script script(JsonNode n, String field) {
    if (!n.isObject()) {
      problem(field, "be an inline script object", kindOf(n));
      return null;
    }
    knownFields(
        n,
        field + ".",
        Set.of("id", "name", "shell", "content", "commands", "stopOnFailure", "timeout"),
        "an inline script");
    String id = text(n, "id", field + ".id");
    if (id == null) {
      problem(field + ".id", "be given", "null");
      return null;
    }
    Script.Builder b = Script.builder(id);
    String name = text(n, "name", field + ".name");
    if (name != null) {
      b.name(name);
    }
    Shell shell = shell(n, "shell", field + ".shell");
    if (shell != null) {
      b.shell(shell);
    }
    String content = text(n, "content", field + ".content");
    if (content != null) {
      b.content(content);
    }
    List<String> commands = texts(n, "commands", field + ".commands");
    if (commands != null) {
      b.commands(commands);
    }
    b.stopOnFailure(bool(n, "stopOnFailure", field + ".stopOnFailure", true));
    Duration timeout = duration(n, "timeout", field + ".timeout");
    if (timeout != null) {
      b.defaultTimeout(timeout);
    }
    return attempt(field, b::build);
  }

  private Map<String, Template> environment(JsonNode n) {
    Map<String, Template> env = new LinkedHashMap<>();
    JsonNode e = n.get("environment");
    if (e == null || e.isNull()) {
      return env;
    }
    if (!e.isObject()) {
      problem("environment", "be an object of names to values", kindOf(e));
      return env;
    }
    for (Map.Entry<String, JsonNode> entry : e.properties()) {
      String field = "environment." + entry.getKey();
      if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
        problem(field, "be a text", kindOf(entry.getValue()));
        continue;
      }
      Template t = template(entry.getValue().asText(), field);
      if (t != null) {
        env.put(entry.getKey(), t);
      }
    }
    return env;
  }

  private void apply(JsonNode n, String field, java.util.function.Consumer<String> setter) {
    String text = text(n, field);
    if (text != null && template(text, field) != null) {
      setter.accept(text);
    }
  }

  private Template template(String text, String field) {
    return attempt(field, () -> Template.of(text));
  }

  private EscalationPolicy escalation(JsonNode n, String field) {
    if (!n.isObject()) {
      problem(field, "be an object with tiers", kindOf(n));
      return null;
    }
    knownFields(n, field + ".", Set.of("tiers", "repeat"), "an escalation policy");
    JsonNode tiers = n.get("tiers");
    List<EscalationTier> list = new ArrayList<>();
    if (tiers == null || !tiers.isArray()) {
      problem(field + ".tiers", "be a list of tiers", tiers == null ? "null" : kindOf(tiers));
      return null;
    }
    boolean ok = true;
    for (int i = 0; i < tiers.size(); i++) {
      String f = field + ".tiers[" + i + "]";
      JsonNode t = tiers.get(i);
      if (!t.isObject()) {
        problem(f, "be a tier object", kindOf(t));
        ok = false;
        continue;
      }
      knownFields(t, f + ".", Set.of("channel", "delay", "severity", "message"), "a tier");
      String channel = text(t, "channel", f + ".channel");
      Duration delay = duration(t, "delay", f + ".delay");
      Severity sev = severity(t, "severity", f + ".severity");
      String message = text(t, "message", f + ".message");
      if (channel == null) {
        problem(f + ".channel", "be given", "null");
        ok = false;
        continue;
      }
      Template m =
          message == null ? EscalationTier.DEFAULT_MESSAGE : template(message, f + ".message");
      EscalationTier tier =
          attempt(
              f,
              () ->
                  new EscalationTier(
                      channel,
                      delay == null ? Duration.ZERO : delay,
                      sev == null ? Severity.CRITICAL : sev,
                      m == null ? EscalationTier.DEFAULT_MESSAGE : m));
      if (tier == null) {
        ok = false;
      } else {
        list.add(tier);
      }
    }
    Integer repeat = integer(n, "repeat", field + ".repeat");
    if (!ok) {
      return null;
    }
    return attempt(field, () -> new EscalationPolicy(list, repeat == null ? 1 : repeat));
  }

  private RateLimit rateLimit(JsonNode n) {
    if (!n.isObject()) {
      problem("rateLimit", "be an object", kindOf(n));
      return null;
    }
    knownFields(
        n, "rateLimit.", Set.of("maxExecutions", "period", "maxConcurrentNodes"), "a rate limit");
    Integer max = integer(n, "maxExecutions", "rateLimit.maxExecutions");
    Duration period = duration(n, "period", "rateLimit.period");
    Integer nodes = integer(n, "maxConcurrentNodes", "rateLimit.maxConcurrentNodes");
    if (max != null && period == null) {
      problem("rateLimit.period", "be given with maxExecutions", "null");
      return null;
    }
    return attempt(
        "rateLimit",
        () ->
            new RateLimit(
                max == null ? Integer.MAX_VALUE : max,
                period == null ? RateLimit.UNLIMITED.period() : period,
                nodes == null ? Integer.MAX_VALUE : nodes));
  }

  // ---------------------------------------------------------------- triggers

  private WorkflowTrigger trigger(JsonNode n) {
    if (!n.isObject()) {
      problem("trigger", "be an object", kindOf(n));
      return null;
    }
    String type = text(n, "type", "trigger.type");
    if (type == null) {
      problem("trigger.type", "be one of " + String.join(", ", TRIGGER_FIELDS.keySet()), "null");
      return null;
    }
    if (type.equals("metric")) {
      type = "threshold";
    }
    List<String> fields = TRIGGER_FIELDS.get(type);
    if (fields == null) {
      problem(
          "trigger.type", "be one of " + String.join(", ", TRIGGER_FIELDS.keySet()), quote(type));
      return null;
    }
    knownFields(n, "trigger.", Set.copyOf(fields), "a " + type + " trigger");
    switch (type) {
      case "manual":
        return WorkflowTrigger.manual();
      case "threshold":
        {
          JsonNode c = n.get("condition");
          if (c == null || c.isNull()) {
            problem("trigger.condition", "be given", "null");
            return null;
          }
          Condition fire = condition(c, "trigger.condition");
          JsonNode cl = n.get("clear");
          Condition clear = cl == null || cl.isNull() ? null : condition(cl, "trigger.clear");
          Integer m = integer(n, "m", "trigger.m");
          Integer nn = integer(n, "n", "trigger.n");
          if (fire == null) {
            return null;
          }
          int mv = m == null ? 1 : m;
          int nv = nn == null ? Math.max(1, mv) : nn;
          return attempt("trigger", () -> new WorkflowTrigger.MetricThreshold(fire, clear, mv, nv));
        }
      case "jobFailed":
        {
          String scheduleId = text(n, "scheduleId", "trigger.scheduleId");
          List<String> statuses = texts(n, "statuses", "trigger.statuses");
          Set<JobStatus> set = new LinkedHashSet<>();
          if (statuses == null) {
            set.addAll(WorkflowTrigger.JobFailed.DEFAULT_STATUSES);
          } else {
            for (String s : statuses) {
              try {
                set.add(JobStatus.valueOf(s.trim().toUpperCase(Locale.ROOT)));
              } catch (IllegalArgumentException e) {
                problem("trigger.statuses", "name job statuses such as FAILED", quote(s));
                return null;
              }
            }
          }
          return attempt("trigger", () -> new WorkflowTrigger.JobFailed(scheduleId, set));
        }
      case "cron":
        {
          String cron = text(n, "cron", "trigger.cron");
          String zone = text(n, "zone", "trigger.zone");
          Target target = target(n, "target", "trigger.target");
          if (cron == null) {
            problem("trigger.cron", "be given", "null");
            return null;
          }
          if (target == null) {
            problem("trigger.target", "be given", "null");
            return null;
          }
          ZoneId z = ZoneOffset.UTC;
          if (zone != null) {
            try {
              z = ZoneId.of(zone);
            } catch (DateTimeException e) {
              problem("trigger.zone", "be a zone id such as Europe/Paris", quote(zone));
              return null;
            }
          }
          ZoneId zz = z;
          return attempt("trigger.cron", () -> new WorkflowTrigger.CronTrigger(cron, zz, target));
        }
      default:
        throw new IllegalStateException("unhandled trigger type " + type);
    }
  }

  private Target target(JsonNode n, String field) {
    return target(n, field, field);
  }

  private Target target(JsonNode parent, String key, String field) {
    JsonNode n = parent.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      problem(field, "be a target object (nodes, groups, tags, all)", kindOf(n));
      return null;
    }
    knownFields(n, field + ".", Set.of("nodes", "groups", "tags", "all"), "a target");
    List<String> nodes = texts(n, "nodes", field + ".nodes");
    List<String> groups = texts(n, "groups", field + ".groups");
    boolean all = bool(n, "all", field + ".all", false);
    List<Set<String>> selectors = new ArrayList<>();
    JsonNode tags = n.get("tags");
    if (tags != null && !tags.isNull()) {
      if (!tags.isArray()) {
        problem(field + ".tags", "be a list of tag lists", kindOf(tags));
        return null;
      }
      Set<String> flat = new LinkedHashSet<>();
      for (JsonNode t : tags) {
        if (t.isTextual()) {
          flat.add(t.asText());
        } else if (t.isArray()) {
          Set<String> selector = new LinkedHashSet<>();
          t.forEach(x -> selector.add(x.asText()));
          selectors.add(selector);
        } else {
          problem(field + ".tags", "be a list of tag lists", kindOf(t));
          return null;
        }
      }
      if (!flat.isEmpty()) {
        selectors.add(flat);
      }
    }
    return attempt(
        field,
        () ->
            new Target(
                Set.copyOf(nodes == null ? List.of() : nodes),
                Set.copyOf(groups == null ? List.of() : groups),
                Set.copyOf(selectors),
                all));
  }

  // ---------------------------------------------------------------- conditions

  private Condition condition(JsonNode n, String field) {
    if (!n.isObject()) {
      problem(field, "be a condition object", kindOf(n));
      return null;
    }
    String type = text(n, "type", field + ".type");
    if (type == null) {
      problem(field + ".type", "be one of " + String.join(", ", CONDITION_FIELDS.keySet()), "null");
      return null;
    }
    List<String> fields = CONDITION_FIELDS.get(type);
    if (fields == null) {
      problem(
          field + ".type",
          "be one of " + String.join(", ", CONDITION_FIELDS.keySet()),
          quote(type));
      return null;
    }
    knownFields(n, field + ".", Set.copyOf(fields), "a " + type + " condition");
    switch (type) {
      case "exitCode":
        {
          Op op = op(n, field, Op.EQ);
          Integer code = integer(n, "exitCode", field + ".exitCode");
          if (code == null) {
            code = integer(n, "value", field + ".value");
          }
          if (code == null) {
            problem(field + ".exitCode", "be given", "null");
            return null;
          }
          return op == null ? null : new Condition.ExitCode(op, code);
        }
      case "outputContains":
        {
          String text = text(n, "text", field + ".text");
          OutputSource source = outputSource(n, field);
          boolean ignoreCase = bool(n, "ignoreCase", field + ".ignoreCase", false);
          if (text == null) {
            problem(field + ".text", "be given", "null");
            return null;
          }
          return source == null
              ? null
              : attempt(field, () -> new Condition.OutputContains(text, source, ignoreCase));
        }
      case "regex":
        {
          String pattern = text(n, "pattern", field + ".pattern");
          OutputSource source = outputSource(n, field);
          if (pattern == null) {
            problem(field + ".pattern", "be given", "null");
            return null;
          }
          return source == null ? null : attempt(field, () -> new Condition.Regex(pattern, source));
        }
      case "jsonPath":
        {
          String path = text(n, "path", field + ".path");
          Op op = op(n, field, Op.EQ);
          JsonNode v = n.get("value");
          String src = text(n, "source", field + ".source");
          JsonSource source = JsonSource.STDOUT;
          if (src != null) {
            try {
              source = JsonSource.valueOf(src.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
              problem(field + ".source", "be stdout or trigger", quote(src));
              return null;
            }
          }
          if (path == null) {
            problem(field + ".path", "be given", "null");
            return null;
          }
          if (v == null || v.isNull() || !v.isValueNode()) {
            problem(
                field + ".value",
                "be a number, a text or a boolean",
                v == null ? "null" : kindOf(v));
            return null;
          }
          Object value =
              v.isNumber()
                  ? (v.isIntegralNumber() ? (Object) v.asLong() : (Object) v.asDouble())
                  : v.isBoolean() ? (Object) v.asBoolean() : v.asText();
          JsonSource s = source;
          return op == null
              ? null
              : attempt(field, () -> new Condition.JsonPath(path, op, value, s));
        }
      case "threshold":
        {
          String f = text(n, "field", field + ".field");
          Op op = op(n, field, null);
          Double value = decimal(n, "value", field + ".value");
          if (f == null) {
            problem(field + ".field", "be given", "null");
          }
          if (value == null) {
            problem(field + ".value", "be given (a number)", "null");
          }
          if (f == null || op == null || value == null) {
            return null;
          }
          return attempt(field, () -> new Condition.Threshold(f, op, value));
        }
      case "and":
      case "or":
        {
          JsonNode list = n.get("conditions");
          if (list == null || !list.isArray()) {
            problem(
                field + ".conditions",
                "be a list of conditions",
                list == null ? "null" : kindOf(list));
            return null;
          }
          List<Condition> parts = new ArrayList<>();
          boolean ok = true;
          for (int i = 0; i < list.size(); i++) {
            Condition c = condition(list.get(i), field + ".conditions[" + i + "]");
            if (c == null) {
              ok = false;
            } else {
              parts.add(c);
            }
          }
          if (!ok) {
            return null;
          }
          return attempt(
              field, () -> type.equals("and") ? new Condition.And(parts) : new Condition.Or(parts));
        }
      case "not":
        {
          JsonNode inner = n.get("condition");
          if (inner == null || inner.isNull()) {
            problem(field + ".condition", "be given", "null");
            return null;
          }
          Condition c = condition(inner, field + ".condition");
          return c == null ? null : new Condition.Not(c);
        }
      case "step":
        {
          String stepId = text(n, "step", field + ".step");
          JsonNode inner = n.get("condition");
          if (stepId == null) {
            problem(field + ".step", "be given", "null");
            return null;
          }
          if (inner == null || inner.isNull()) {
            problem(field + ".condition", "be given", "null");
            return null;
          }
          Condition c = condition(inner, field + ".condition");
          return c == null ? null : attempt(field, () -> new Condition.OnStep(stepId, c));
        }
      default:
        throw new IllegalStateException("unhandled condition type " + type);
    }
  }

  private Op op(JsonNode n, String field, Op byDefault) {
    String text = text(n, "operator", field + ".operator");
    if (text == null) {
      if (byDefault == null) {
        problem(field + ".operator", "be one of gt, gte, lt, lte, eq, ne", "null");
      }
      return byDefault;
    }
    return attempt(field, () -> Op.fromJson(text));
  }

  private OutputSource outputSource(JsonNode n, String field) {
    String text = text(n, "stream", field + ".stream");
    if (text == null) {
      return OutputSource.STDOUT;
    }
    try {
      return OutputSource.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem(field + ".stream", "be stdout, stderr or any", quote(text));
      return null;
    }
  }

  // ---------------------------------------------------------------- enums

  private Severity severity(JsonNode n, String key) {
    return severity(n, key, key);
  }

  private Severity severity(JsonNode n, String key, String field) {
    String text = text(n, key, field);
    if (text == null) {
      return null;
    }
    try {
      return Severity.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem(field, "be info, warning or critical", quote(text));
      return null;
    }
  }

  private Shell shell(JsonNode n, String key) {
    return shell(n, key, key);
  }

  private Shell shell(JsonNode n, String key, String field) {
    String text = text(n, key, field);
    if (text == null) {
      return null;
    }
    try {
      return Shell.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem(field, "be sh, bash, powershell, cmd or python", quote(text));
      return null;
    }
  }

  private InterruptPolicy interruptPolicy(String text) {
    try {
      return InterruptPolicy.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem("interruptPolicy", "be rerun, verify or fail", quote(text));
      return null;
    }
  }

  private CompensationFailure compensationFailure(String text) {
    for (CompensationFailure f : CompensationFailure.values()) {
      if (WorkflowWriter.compensationFailure(f).equalsIgnoreCase(text.trim())
          || f.name().equalsIgnoreCase(text.trim())) {
        return f;
      }
    }
    problem("onCompensationFailure", "be stopAndEscalate, continue or retry", quote(text));
    return null;
  }

  // ---------------------------------------------------------------- values

  private void knownFields(JsonNode n, String prefix, Set<String> allowed, String what) {
    Iterator<String> names = n.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        List<String> sorted = new ArrayList<>(allowed);
        sorted.sort(null);
        problem(
            prefix + name,
            "be a known property of " + what + " (" + String.join(", ", sorted) + ")",
            "unknown");
      }
    }
  }

  private String text(JsonNode n, String key) {
    return text(n, key, key);
  }

  private String text(JsonNode n, String key, String field) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problem(field, "be a text", kindOf(v) + " " + abbreviate(v.toString()));
      return null;
    }
    return v.asText();
  }

  private Secret secret(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problem(key, "be a text", ValidationException.MASK);
      return null;
    }
    return attempt(key, () -> Secret.of(v.asText()));
  }

  private List<String> texts(JsonNode n, String key) {
    return texts(n, key, key);
  }

  private List<String> texts(JsonNode n, String key, String field) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      problem(field, "be a list of texts", kindOf(v));
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual()) {
        problem(field + "[" + i + "]", "be a text", kindOf(e));
        return null;
      }
      out.add(e.asText());
    }
    return out;
  }

  private boolean bool(JsonNode n, String key, boolean byDefault) {
    return bool(n, key, key, byDefault);
  }

  private boolean bool(JsonNode n, String key, String field, boolean byDefault) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return byDefault;
    }
    if (!v.isBoolean()) {
      problem(field, "be true or false", kindOf(v) + " " + abbreviate(v.toString()));
      return byDefault;
    }
    return v.asBoolean();
  }

  private Integer integer(JsonNode n, String key, String field) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      problem(field, "be a whole number", abbreviate(v.toString()));
      return null;
    }
    return v.asInt();
  }

  private Double decimal(JsonNode n, String key, String field) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      problem(field, "be a number", abbreviate(v.toString()));
      return null;
    }
    return v.asDouble();
  }

  private Duration duration(JsonNode n, String key) {
    return duration(n, key, key);
  }

  private Duration duration(JsonNode n, String key, String field) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    String rule = "be a number of seconds or an ISO-8601 duration such as \"PT5M\"";
    if (v.isNumber()) {
      BigDecimal seconds = v.decimalValue();
      try {
        BigDecimal nanos = seconds.movePointRight(9);
        if (nanos.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
          problem(field, rule + " (at most 292 years)", v.asText());
          return null;
        }
        return Duration.ofSeconds(
            seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
      } catch (ArithmeticException e) {
        problem(field, rule, v.asText());
        return null;
      }
    }
    if (v.isTextual()) {
      try {
        return Duration.parse(v.asText());
      } catch (DateTimeParseException e) {
        problem(field, rule, quote(v.asText()));
        return null;
      }
    }
    problem(field, rule, kindOf(v));
    return null;
  }

  /** Runs a value's constructor, turning its validation exception into a problem of the field. */
  private <T> T attempt(String field, Supplier<T> build) {
    try {
      return build.get();
    } catch (ValidationException e) {
      problems.add(Problem.of(step, field, e));
      return null;
    }
  }

  private void problem(String field, String rule, Object value) {
    problems.add(new Problem(step, field, rule, String.valueOf(value)));
  }

  private static String kindOf(JsonNode n) {
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isTextual()) {
      return "a text";
    }
    if (n.isNumber()) {
      return "a number";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    return n.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
