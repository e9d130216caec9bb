package io.scripttask.remediation.internal.engine;

import io.scripttask.remediation.ApprovalStep;
import io.scripttask.remediation.EscalationPolicy;
import io.scripttask.remediation.ExecutionProgress;
import io.scripttask.remediation.ExecutionSignal;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.InMemoryRemediationStore;
import io.scripttask.remediation.Plan;
import io.scripttask.remediation.ScriptedResults;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.TriggerSource;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.OutputPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a dry run: a private {@link EngineCore} on a {@link VirtualClock}, a fresh in-memory store
 * and {@link PlanEffects}, stepped from one due instant to the next until the execution (and its
 * escalation) ends.
 */
public final class Planner {

  /** The most passes a dry run takes. */
  static final int MAX_PASSES = 100_000;

  /** The longest virtual time a dry run covers. */
  static final Duration HORIZON = Duration.ofDays(366);

  private Planner() {}

  /**
   * Plans a workflow.
   *
   * @param clock the live engine's clock (the plan starts at its now)
   * @param live the live engine's effects, only read
   * @param output the output policy
   * @param defaultEscalation the live engine's default escalation, or null
   * @param workflow the workflow
   * @param nodeId the node
   * @param triggerData the trigger data
   * @param results the scripted results
   * @return the plan
   */
  public static Plan plan(
      Clock clock,
      LiveEffects live,
      OutputPolicy output,
      EscalationPolicy defaultEscalation,
      Workflow workflow,
      String nodeId,
      Map<String, ?> triggerData,
      ScriptedResults results) {
    Instant start = clock.instant();
    VirtualClock vclock = new VirtualClock(start, clock.getZone());
    InMemoryRemediationStore store = new InMemoryRemediationStore();
    PlanEffects effects = new PlanEffects(vclock, live, results, output);
    EngineCore core =
        new EngineCore(
            new EngineCore.Config(
                vclock,
                store,
                effects,
                "plan",
                HORIZON.multipliedBy(2),
                HORIZON.multipliedBy(2),
                output,
                defaultEscalation,
                new EventDispatcher(Runnable::run)));
    WorkflowExecution e =
        core.start(workflow, "plan", nodeId, TriggerSource.PLAN, triggerData, "plan").orElseThrow();
    Instant end = start.plus(HORIZON);
    String answered = null;
    for (int i = 0; i < MAX_PASSES; i++) {
      Instant now = vclock.instant();
      effects.completeDue(now);
      Optional<Instant> next = core.runDueWork();
      e = store.execution(e.id()).orElseThrow();
      if (!e.isActive()) {
        break;
      }
      ExecutionProgress p = e.progress();
      if (e.status() == ExecutionStatus.WAITING
          && p.phase() == ExecutionProgress.Phase.WAITING
          && workflow.step(p.stepId()).orElse(null) instanceof ApprovalStep
          && !(e.id() + "/" + p.stepId() + "/" + p.records()).equals(answered)) {
        ScriptedResults.Decision d = results.approval(p.stepId());
        if (d != ScriptedResults.Decision.EXPIRE) {
          answered = e.id() + "/" + p.stepId() + "/" + p.records();
          core.signal(
              new ExecutionSignal(
                  0,
                  e.id(),
                  d == ScriptedResults.Decision.APPROVE
                      ? ExecutionSignal.Kind.APPROVE
                      : ExecutionSignal.Kind.REJECT,
                  p.stepId(),
                  "plan",
                  "scripted decision",
                  now));
          continue;
        }
      }
      Instant t = next.orElse(null);
      Optional<Instant> c = effects.nextCompletion();
      if (c.isPresent() && (t == null || c.get().isBefore(t))) {
        t = c.get();
      }
      if (t == null || t.isAfter(end)) {
        break;
      }
      if (t.isAfter(now)) {
        vclock.set(t);
      }
    }
    List<StepAttempt> record = store.attempts(e.id());
    return new Plan(
        workflow.id(),
        workflow.version(),
        nodeId,
        e.status(),
        e.rollback(),
        e.detail(),
        record.stream()
            .filter(a -> a.kind() == StepAttempt.Kind.STEP || a.kind() == StepAttempt.Kind.PROBE)
            .toList(),
        effects.notifications(),
        record.stream().filter(a -> a.kind() == StepAttempt.Kind.COMPENSATION).toList(),
        record.stream().filter(a -> a.kind() == StepAttempt.Kind.ESCALATION).toList(),
        effects.nodeActions(),
        effects.warnings(),
        record,
        Duration.between(start, vclock.instant()));
  }
}
