package io.scripttask.remediation;

import io.scripttask.remediation.WorkflowValidationException.Problem;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a workflow's rules (see {@link Workflow}), collecting every problem. */
final class WorkflowValidator {

  private static final Pattern STEP_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern HTTP_METHOD = Pattern.compile("[A-Za-z]+");

  private final List<Problem> problems = new ArrayList<>();
  private final Map<String, Step> byId = new LinkedHashMap<>();
  private final Set<String> ids = new HashSet<>();

  private WorkflowValidator() {}

  static List<Problem> validate(
      String id,
      String name,
      WorkflowTrigger trigger,
      List<Step> steps,
      String entry,
      Duration deadline,
      EscalationPolicy escalation,
      Duration cooldown,
      Set<String> tags) {
    WorkflowValidator v = new WorkflowValidator();
    v.run(id, name, trigger, steps, entry, deadline, escalation, cooldown, tags);
    return v.problems;
  }

  private void run(
      String id,
      String name,
      WorkflowTrigger trigger,
      List<Step> steps,
      String entry,
      Duration deadline,
      EscalationPolicy escalation,
      Duration cooldown,
      Set<String> tags) {
    if (id.isBlank()) {
      add(null, "id", "not be blank", quote(id));
    }
    if (name != null && name.isBlank()) {
      add(null, "name", "not be blank", quote(name));
    }
    positive(null, "deadline", deadline);
    positive(null, "cooldown", cooldown);
    for (String tag : tags) {
      if (tag == null || tag.isBlank()) {
        add(null, "tags", "not contain blank tags", quote(String.valueOf(tag)));
      }
    }
    checkTrigger(trigger);

    for (Step s : steps) {
      ids.add(s.id());
    }
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      if (byId.containsKey(s.id())) {
        add(s.id(), "id", "be unique in the workflow", quote(s.id()) + " (step #" + (i + 1) + ")");
      } else {
        byId.put(s.id(), s);
      }
    }
    if (steps.isEmpty()) {
      add(null, "steps", "name at least one step", "[]");
    }
    if (entry != null && !byId.containsKey(entry)) {
      add(null, "entry", "name a step", quote(entry));
    }
    if (escalation != null) {
      for (int i = 0; i < escalation.tiers().size(); i++) {
        template(null, "escalation.tiers[" + i + "].message", escalation.tiers().get(i).message());
      }
    }
    for (Step s : byId.values()) {
      checkStep(s, escalation);
    }
    if (!steps.isEmpty() && (entry == null || byId.containsKey(entry))) {
      String start = entry != null ? entry : steps.get(0).id();
      checkGraph(start, deadline);
    }
  }

  // ---------------------------------------------------------------- trigger

  private void checkTrigger(WorkflowTrigger trigger) {
    if (trigger instanceof WorkflowTrigger.MetricThreshold t) {
      triggerCondition("trigger.condition", t.fire());
      if (!t.hasDefaultClear()) {
        triggerCondition("trigger.clear", t.clear());
      }
    }
  }

  private void triggerCondition(String field, Condition c) {
    String bad = stepDataUse(c);
    if (bad != null) {
      add(
          null,
          field,
          "use trigger data only (threshold, jsonPath on the trigger, and/or/not)",
          quote(bad));
    }
  }

  /** The description of the first part of {@code c} that reads step results, or null. */
  private static String stepDataUse(Condition c) {
    if (c instanceof Condition.Threshold) {
      return null;
    }
    if (c instanceof Condition.JsonPath j) {
      return j.source() == JsonSource.TRIGGER ? null : j.describe();
    }
    if (c instanceof Condition.And a) {
      return first(a.conditions());
    }
    if (c instanceof Condition.Or o) {
      return first(o.conditions());
    }
    if (c instanceof Condition.Not n) {
      return stepDataUse(n.condition());
    }
    return c.describe();
  }

  private static String first(List<Condition> conditions) {
    for (Condition c : conditions) {
      String bad = stepDataUse(c);
      if (bad != null) {
        return bad;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- steps

  private void checkStep(Step s, EscalationPolicy workflowEscalation) {
    String sid = s.id();
    if (sid.isBlank()) {
      add(sid, "id", "not be blank", quote(sid));
    } else if (!STEP_ID.matcher(sid).matches()) {
      add(
          sid,
          "id",
          "be letters, digits, '.', '_' or '-' (not starting with '.' or '-')",
          quote(sid));
    }
    positive(sid, "timeout", s.timeout());
    if (s.successCriteria() != null) {
      condition(sid, "successCriteria", s.successCriteria());
    }
    if (s.retry().retryOn() != null) {
      condition(sid, "retryPolicy.retryOn", s.retry().retryOn());
    }
    Compensation comp = s.compensation();
    if (comp != null) {
      scriptRef(sid, "rollbackScriptId", comp.script());
      positive(sid, "rollbackTimeout", comp.timeout());
    }
    verification(s);
    boolean terminal = s instanceof SucceedStep || s instanceof FailStep;
    transition(sid, "onSuccess", s.onSuccess(), terminal, s.kind());
    transition(sid, "onFailure", s.onFailure(), terminal, s.kind());

    if (s instanceof ScriptStep x) {
      if (x.script() == null) {
        add(sid, "scriptId", "be given (a library script id or an inline script)", "null");
      } else {
        scriptRef(sid, "scriptId", x.script());
      }
      environment(sid, x.environment());
    } else if (s instanceof CommandStep x) {
      if (x.commands().isEmpty()) {
        add(sid, "commands", "name at least one command", "[]");
      }
      for (int i = 0; i < x.commands().size(); i++) {
        if (x.commands().get(i).isBlank()) {
          add(sid, "commands[" + i + "]", "not be blank", quote(x.commands().get(i)));
        }
      }
      environment(sid, x.environment());
    } else if (s instanceof NotifyStep x) {
      channel(sid, "channel", x.channel(), true);
      template(sid, "subject", x.subject());
      template(sid, "body", x.body());
      if (x.method() != null && !HTTP_METHOD.matcher(x.method()).matches()) {
        add(sid, "method", "be an HTTP method such as POST", quote(x.method()));
      }
    } else if (s instanceof EmailStep x) {
      channel(sid, "channel", x.channel(), true);
      if (x.to().isEmpty()) {
        add(sid, "to", "name at least one recipient", "[]");
      }
      for (int i = 0; i < x.to().size(); i++) {
        String to = x.to().get(i);
        if (!isAddress(to)) {
          add(sid, x.to().size() == 1 ? "to" : "to[" + i + "]", "be an e-mail address", quote(to));
        }
      }
      template(sid, "subject", x.subject());
      template(sid, "body", x.body());
    } else if (s instanceof DelayStep x) {
      required(sid, "duration", x.duration());
    } else if (s instanceof ConditionStep x) {
      if (x.condition() == null) {
        add(sid, "condition", "be given", "null");
      } else {
        condition(sid, "condition", x.condition());
      }
    } else if (s instanceof HealthCheckStep x) {
      if (x.script() == null) {
        add(sid, "scriptId", "be given (a library script id or an inline script)", "null");
      } else {
        scriptRef(sid, "scriptId", x.script());
      }
      if (required(sid, "interval", x.interval())
          && x.timeout().compareTo(x.interval()) < 0
          && !x.timeout().isNegative()) {
        add(sid, "interval", "be at most the step's timeout (" + x.timeout() + ")", x.interval());
      }
      positive(sid, "probeTimeout", x.probeTimeout());
      environment(sid, x.environment());
    } else if (s instanceof QuarantineStep x) {
      template(sid, "reason", x.reason());
    } else if (s instanceof ApprovalStep x) {
      required(sid, "ttl", x.ttl());
      for (String a : x.approvers()) {
        if (a.isBlank()) {
          add(sid, "approvers", "not contain blank names", quote(a));
        }
      }
      template(sid, "message", x.message());
      if (x.channel() != null) {
        channel(sid, "channel", x.channel(), false);
      }
    } else if (s instanceof EscalateStep x) {
      if (x.policy() == null && workflowEscalation == null) {
        add(sid, "policy", "be given when the workflow has no escalation policy", "null");
      }
      if (x.policy() != null) {
        for (int i = 0; i < x.policy().tiers().size(); i++) {
          template(sid, "policy.tiers[" + i + "].message", x.policy().tiers().get(i).message());
        }
      }
    }
    // ReleaseStep, SucceedStep, FailStep: nothing more
  }

  private void transition(String sid, String field, String target, boolean terminal, String kind) {
    if (target == null) {
      return;
    }
    if (terminal) {
      add(sid, field, "be absent on a " + kind + " step (it ends the workflow)", quote(target));
      return;
    }
    if (target.startsWith("$")) {
      if (!Transitions.SUCCEED.equals(target) && !Transitions.FAIL.equals(target)) {
        add(
            sid,
            field,
            "name a step, " + Transitions.SUCCEED + " or " + Transitions.FAIL,
            quote(target));
      }
    } else if (!ids.contains(target)) {
      add(sid, field, "name a step", quote(target));
    }
  }

  /**
   * The verification rules: a probe only on a script or command step, and only with policy VERIFY;
   * VERIFY on a script or command step needs a probe, or success criteria that read nothing of the
   * step's own result (else verifying could never tell anything and the step would always rerun).
   */
  private void verification(Step s) {
    String sid = s.id();
    Verification v = s.verification();
    boolean runsScript = s instanceof ScriptStep || s instanceof CommandStep;
    if (v != null) {
      scriptRef(sid, "verifyScriptId", v.script());
      positive(sid, "verifyTimeout", v.timeout());
      if (v.healthyWhen() != null) {
        condition(sid, "verifyCriteria", v.healthyWhen());
      }
      if (!runsScript) {
        add(
            sid,
            "verifyScriptId",
            "be declared only on a script or command step (this step is of kind " + s.kind() + ")",
            quote(v.script().scriptId()));
      } else if (s.interruptPolicy() != InterruptPolicy.VERIFY) {
        add(
            sid,
            "interruptPolicy",
            "be verify when verifyScriptId is declared",
            s.interruptPolicy().name().toLowerCase(java.util.Locale.ROOT));
      }
    } else if (runsScript && s.interruptPolicy() == InterruptPolicy.VERIFY) {
      if (s.successCriteria() == null) {
        add(
            sid,
            "verifyScriptId",
            "be given when interruptPolicy is verify (a probe that tells whether the step's work"
                + " is done)",
            "null");
      } else {
        String own = ownResultUse(s.successCriteria(), sid);
        if (own != null) {
          add(
              sid,
              "successCriteria",
              "not read the step's own result when interruptPolicy is verify without"
                  + " verifyScriptId (declare a verification probe)",
              quote(own));
        }
      }
    }
  }

  /**
   * The description of the first part of {@code c} that reads step {@code self}'s result, or null.
   */
  private static String ownResultUse(Condition c, String self) {
    if (c instanceof Condition.Threshold) {
      return null;
    }
    if (c instanceof Condition.JsonPath j) {
      return j.source() == JsonSource.TRIGGER ? null : j.describe();
    }
    if (c instanceof Condition.OnStep o) {
      return o.stepId().equals(self) ? o.describe() : null;
    }
    List<Condition> parts;
    if (c instanceof Condition.And a) {
      parts = a.conditions();
    } else if (c instanceof Condition.Or o) {
      parts = o.conditions();
    } else if (c instanceof Condition.Not n) {
      parts = List.of(n.condition());
    } else {
      return c.describe();
    }
    for (Condition x : parts) {
      String own = ownResultUse(x, self);
      if (own != null) {
        return own;
      }
    }
    return null;
  }

  private void scriptRef(String sid, String field, ScriptRef ref) {
    if (ref instanceof ScriptRef.Library l && l.scriptId().isBlank()) {
      add(sid, field, "not be blank", quote(l.scriptId()));
    }
  }

  private void environment(String sid, Map<String, Template> env) {
    for (Map.Entry<String, Template> e : env.entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        add(sid, "environment", "have names matching [A-Za-z_][A-Za-z0-9_]*", quote(e.getKey()));
      }
      template(sid, "environment." + e.getKey(), e.getValue());
    }
  }

  private void channel(String sid, String field, String channel, boolean required) {
    if (channel == null) {
      if (required) {
        add(sid, field, "be given", "null");
      }
    } else if (channel.isBlank()) {
      add(sid, field, "not be blank", quote(channel));
    }
  }

  private void template(String sid, String field, Template t) {
    for (String name : t.placeholders()) {
      String rule = Template.checkName(name, ids);
      if (rule != null) {
        add(sid, field, rule, quote("${" + name + "}"));
      }
    }
  }

  private void condition(String sid, String field, Condition c) {
    if (c instanceof Condition.OnStep o) {
      if (!ids.contains(o.stepId())) {
        add(sid, field + ".step", "name a step", quote(o.stepId()));
      }
      condition(sid, field, o.condition());
    } else if (c instanceof Condition.And a) {
      a.conditions().forEach(x -> condition(sid, field, x));
    } else if (c instanceof Condition.Or o) {
      o.conditions().forEach(x -> condition(sid, field, x));
    } else if (c instanceof Condition.Not n) {
      condition(sid, field, n.condition());
    }
  }

  private static boolean isAddress(String to) {
    int at = to.indexOf('@');
    return at > 0
        && at == to.lastIndexOf('@')
        && at < to.length() - 1
        && to.chars().noneMatch(Character::isWhitespace);
  }

  private boolean required(String sid, String field, Duration d) {
    if (d == null) {
      add(sid, field, "be given", "null");
      return false;
    }
    return positive(sid, field, d);
  }

  private boolean positive(String sid, String field, Duration d) {
    if (d != null && (d.isNegative() || d.isZero())) {
      add(sid, field, "be positive", d);
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- graph

  private List<Edge> edges(String from) {
    Step s = byId.get(from);
    List<Edge> out = new ArrayList<>(2);
    if (s.onSuccess() != null && byId.containsKey(s.onSuccess())) {
      out.add(new Edge(from, "onSuccess", s.onSuccess()));
    }
    if (s.onFailure() != null
        && byId.containsKey(s.onFailure())
        && !s.onFailure().equals(s.onSuccess())) {
      out.add(new Edge(from, "onFailure", s.onFailure()));
    }
    return out;
  }

  private record Edge(String from, String field, String to) {}

  private void checkGraph(String entry, Duration deadline) {
    // reachability
    Set<String> seen = new LinkedHashSet<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    queue.add(entry);
    seen.add(entry);
    while (!queue.isEmpty()) {
      for (Edge e : edges(queue.poll())) {
        if (seen.add(e.to())) {
          queue.add(e.to());
        }
      }
    }
    for (String sid : byId.keySet()) {
      if (!seen.contains(sid)) {
        add(
            sid,
            "id",
            "be reachable from the entry step '" + entry + "' through onSuccess/onFailure",
            "unreachable");
      }
    }
    // cycles: strongly connected components (Tarjan)
    List<List<String>> loops = new ArrayList<>();
    for (List<String> scc : stronglyConnected()) {
      boolean cyclic = scc.size() > 1 || selfLoop(scc.get(0));
      if (cyclic) {
        loops.add(scc);
      }
    }
    String firstLoop = null;
    for (List<String> scc : loops) {
      List<String> path = cycle(scc);
      String shown = String.join(" -> ", path);
      if (firstLoop == null) {
        firstLoop = shown;
      }
      boolean waits = false;
      for (String sid : scc) {
        Step s = byId.get(sid);
        waits |= s instanceof DelayStep || s instanceof HealthCheckStep;
      }
      if (!waits) {
        String last = path.get(path.size() - 2);
        String back = path.get(path.size() - 1);
        String field = back.equals(byId.get(last).onSuccess()) ? "onSuccess" : "onFailure";
        add(
            last,
            field,
            "not close a loop without a delay or health check step (loop " + shown + ")",
            quote(back));
      }
    }
    if (firstLoop != null && deadline == null) {
      add(
          null,
          "deadline",
          "be set when steps loop (loop " + firstLoop + ") so that executions end",
          "null");
    }
  }

  private boolean selfLoop(String sid) {
    for (Edge e : edges(sid)) {
      if (e.to().equals(sid)) {
        return true;
      }
    }
    return false;
  }

  /** A shortest cycle through the component's first step (in definition order), start repeated. */
  private List<String> cycle(List<String> scc) {
    String start = null;
    for (String sid : byId.keySet()) {
      if (scc.contains(sid)) {
        start = sid;
        break;
      }
    }
    Set<String> members = new HashSet<>(scc);
    Map<String, String> parent = new HashMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    queue.add(start);
    String closing = null;
    while (!queue.isEmpty() && closing == null) {
      String at = queue.poll();
      for (Edge e : edges(at)) {
        if (e.to().equals(start)) {
          closing = at;
          break;
        }
        if (members.contains(e.to()) && !parent.containsKey(e.to()) && !e.to().equals(start)) {
          parent.put(e.to(), at);
          queue.add(e.to());
        }
      }
    }
    List<String> path = new ArrayList<>();
    for (String at = closing; at != null; at = parent.get(at)) {
      path.add(0, at);
      if (at.equals(start)) {
        break;
      }
    }
    path.add(start);
    return path;
  }

  private List<List<String>> stronglyConnected() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    ArrayDeque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    List<List<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String sid : byId.keySet()) {
      if (!index.containsKey(sid)) {
        strongConnect(sid, index, low, stack, onStack, out, counter);
      }
    }
    return out;
  }

  private void strongConnect(
      String v,
      Map<String, Integer> index,
      Map<String, Integer> low,
      ArrayDeque<String> stack,
      Set<String> onStack,
      List<List<String>> out,
      int[] counter) {
    // iterative would avoid deep recursion; workflows are small (hundreds of steps at most)
    index.put(v, counter[0]);
    low.put(v, counter[0]);
    counter[0]++;
    stack.push(v);
    onStack.add(v);
    for (Edge e : edges(v)) {
      String w = e.to();
      if (!index.containsKey(w)) {
        strongConnect(w, index, low, stack, onStack, out, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> scc = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        scc.add(w);
      } while (!w.equals(v));
      out.add(scc);
    }
  }

  // ---------------------------------------------------------------- helpers

  private void add(String stepId, String field, String rule, Object value) {
    problems.add(new Problem(stepId, field, rule, String.valueOf(value)));
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
