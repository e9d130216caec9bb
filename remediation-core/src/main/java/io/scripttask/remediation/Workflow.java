package io.scripttask.remediation;

import io.scripttask.remediation.json.WorkflowJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A remediation workflow: a trigger and a graph of {@link Step}s joined by {@code onSuccess} /
 * {@code onFailure} transitions, run by the remediation engine for one node at a time.
 *
 * <pre>{@code
 * Workflow w = Workflow.builder("disk-space")
 *     .name("Disk Space Management")
 *     .trigger(WorkflowTrigger.metric(Condition.threshold("diskUsagePercent", Op.GT, 85))
 *         .samples(3, 5))
 *     .step(Step.script("cleanup").script("cleanup-temp-files").onSuccess("verify")
 *         .onFailure("alert"))
 *     .step(Step.healthCheck("verify").script("verify-disk-space")
 *         .interval(Duration.ofSeconds(30)).timeout(Duration.ofMinutes(5)).onFailure("alert"))
 *     .step(Step.notify("alert").channel("slack").onSuccess(Transitions.FAIL))
 *     .cooldown(Duration.ofMinutes(30))
 *     .build();
 * }</pre>
 *
 * <h2>Rules checked by {@link Builder#build()} (and by JSON loading)</h2>
 *
 * Every problem is collected and reported at once in a {@link WorkflowValidationException}:
 *
 * <ul>
 *   <li>ids: the workflow id and name are not blank; step ids are letters, digits, {@code . _ -},
 *       unique; the entry step (default: the first step) exists; at least one step;
 *   <li>references: {@code onSuccess} / {@code onFailure} name a step or a {@link Transitions}
 *       marker; terminal steps ({@link SucceedStep}, {@link FailStep}) have no transitions; {@link
 *       Condition.OnStep} and {@code ${step.<id>.*}} placeholders name steps; template placeholders
 *       are known ({@link Template});
 *   <li>reachability: every step can be reached from the entry step;
 *   <li>loops: every cycle of transitions must pass through a {@link DelayStep} or a {@link
 *       HealthCheckStep} (so that a loop never spins), <em>and</em> a workflow with a cycle must
 *       have a {@link #deadline()} (so that it ends). Retries are not cycles: they are bounded by
 *       {@link StepRetry}.
 *   <li>required fields: a script step's script, a command step's commands, a notify step's
 *       channel, an e-mail step's recipients, a delay's duration, a condition step's condition, a
 *       health check's script and interval, an approval's ttl, an escalate step's policy (its own
 *       or the workflow's);
 *   <li>durations: timeouts, delays, intervals, ttl, deadline and cooldown are positive;
 *   <li>trigger conditions use trigger data only (no exit code or output conditions).
 * </ul>
 *
 * Values that are checked when they are created (a {@link Condition.Regex} or {@link
 * Condition.JsonPath} that does not compile, a {@link StepRetry} with {@code maxAttempts < 1}, an
 * {@code m > n} metric trigger, a bad cron) throw {@link
 * io.scripttask.scheduler.ValidationException} where they are built; the JSON reader reports them
 * along with the rest, naming step and field.
 *
 * <p>Immutable and thread-safe. Two workflows are equal when every field is; {@link #version()} is
 * a content hash that is stable across JSON round trips.
 */
public final class Workflow {

  private final String id;
  private final String name;
  private final String description;
  private final WorkflowTrigger trigger;
  private final Map<String, Step> steps;
  private final String entryStep;
  private final Duration deadline;
  private final boolean rollbackEnabled;
  private final CompensationFailure onCompensationFailure;
  private final EscalationPolicy escalation;
  private final Duration cooldown;
  private final RateLimit rateLimit;
  private final boolean enabled;
  private final Set<String> tags;
  private volatile String version;

  private Workflow(Builder b, Map<String, Step> steps, String entryStep) {
    this.id = b.id;
    this.name = b.name == null ? b.id : b.name;
    this.description = b.description;
    this.trigger = b.trigger;
    this.steps = steps;
    this.entryStep = entryStep;
    this.deadline = b.deadline;
    this.rollbackEnabled = b.rollbackEnabled;
    this.onCompensationFailure = b.onCompensationFailure;
    this.escalation = b.escalation;
    this.cooldown = b.cooldown;
    this.rateLimit = b.rateLimit;
    this.enabled = b.enabled;
    this.tags = Collections.unmodifiableSortedSet(new TreeSet<>(b.tags));
  }

  /**
   * Starts a builder.
   *
   * @param id the workflow's id
   * @return a builder
   * @throws NullPointerException if {@code id} is null
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /**
   * @return a builder holding this workflow's fields, to derive a changed copy
   */
  public Builder toBuilder() {
    Builder b = new Builder(id);
    b.name = name;
    b.description = description;
    b.trigger = trigger;
    b.steps.addAll(steps.values());
    b.entry = entryStep;
    b.deadline = deadline;
    b.rollbackEnabled = rollbackEnabled;
    b.onCompensationFailure = onCompensationFailure;
    b.escalation = escalation;
    b.cooldown = cooldown;
    b.rateLimit = rateLimit;
    b.enabled = enabled;
    b.tags.addAll(tags);
    return b;
  }

  /**
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * @return the display name (the id when none was given)
   */
  public String name() {
    return name;
  }

  /**
   * @return the description, if any
   */
  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  /**
   * @return what starts the workflow (default {@link WorkflowTrigger#manual()})
   */
  public WorkflowTrigger trigger() {
    return trigger;
  }

  /**
   * @return the steps by id, in the order they were given
   */
  public Map<String, Step> steps() {
    return steps;
  }

  /**
   * @param stepId a step id
   * @return the step, if the workflow has it
   */
  public Optional<Step> step(String stepId) {
    return Optional.ofNullable(steps.get(stepId));
  }

  /**
   * @return the id of the step an execution starts with (the first step unless set)
   */
  public String entryStep() {
    return entryStep;
  }

  /**
   * @return the step an execution starts with
   */
  public Step entry() {
    return steps.get(entryStep);
  }

  /**
   * @return how long an execution may take in all before it fails (and rolls back), if limited
   */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * @return whether a failed, timed-out or cancelled execution runs the compensations of its
   *     completed steps in reverse order (default false)
   */
  public boolean rollbackEnabled() {
    return rollbackEnabled;
  }

  /**
   * @return what a rollback does when a compensation fails (default {@link
   *     CompensationFailure#STOP_AND_ESCALATE})
   */
  public CompensationFailure onCompensationFailure() {
    return onCompensationFailure;
  }

  /**
   * @return the escalation policy used by escalate steps without their own and by a failing
   *     compensation, if any
   */
  public Optional<EscalationPolicy> escalation() {
    return Optional.ofNullable(escalation);
  }

  /**
   * @return the dedup window per node, if set: triggers for a node are refused while an execution
   *     of this workflow for the node is active and for this long after it ends
   */
  public Optional<Duration> cooldown() {
    return Optional.ofNullable(cooldown);
  }

  /**
   * @return the rate limit (blast radius), if any
   */
  public Optional<RateLimit> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /**
   * @return whether triggers start executions (default true); a disabled workflow can still be
   *     started manually by the host if it chooses to
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * @return the tags, sorted
   */
  public Set<String> tags() {
    return tags;
  }

  /**
   * The content hash: SHA-256, as lower-case hex, of the workflow's canonical JSON (keys sorted,
   * steps sorted by id, defaults written out). Everything but {@link #enabled()} counts, so
   * enabling or disabling a workflow keeps its version. Equal workflows have equal versions, and a
   * workflow read back from its JSON has the same version.
   *
   * @return the version
   */
  public String version() {
    String v = version;
    if (v == null) {
      v = sha256(WorkflowJson.canonical(this));
      version = v;
    }
    return v;
  }

  private static String sha256(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Workflow w)) {
      return false;
    }
    return id.equals(w.id)
        && name.equals(w.name)
        && Objects.equals(description, w.description)
        && trigger.equals(w.trigger)
        && steps.equals(w.steps)
        && entryStep.equals(w.entryStep)
        && Objects.equals(deadline, w.deadline)
        && rollbackEnabled == w.rollbackEnabled
        && onCompensationFailure == w.onCompensationFailure
        && Objects.equals(escalation, w.escalation)
        && Objects.equals(cooldown, w.cooldown)
        && Objects.equals(rateLimit, w.rateLimit)
        && enabled == w.enabled
        && tags.equals(w.tags);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, trigger, steps, entryStep);
  }

  /**
   * @return the id, name, step ids and trigger kind; no secret
   */
  @Override
  public String toString() {
    return "Workflow[id="
        + id
        + ", name="
        + name
        + ", trigger="
        + trigger.getClass().getSimpleName()
        + ", steps="
        + steps.keySet()
        + ", entry="
        + entryStep
        + "]";
  }

  /** Builds a {@link Workflow}; not thread-safe. {@link #build()} validates everything. */
  public static final class Builder {
    private final String id;
    private String name;
    private String description;
    private WorkflowTrigger trigger = WorkflowTrigger.manual();
    private final List<Step> steps = new ArrayList<>();
    private String entry;
    private Duration deadline;
    private boolean rollbackEnabled;
    private CompensationFailure onCompensationFailure = CompensationFailure.STOP_AND_ESCALATE;
    private EscalationPolicy escalation;
    private Duration cooldown;
    private RateLimit rateLimit;
    private boolean enabled = true;
    private final Set<String> tags = new TreeSet<>();

    private Builder(String id) {
      this.id = Objects.requireNonNull(id, "id");
    }

    /**
     * @param name the display name (default: the id)
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * @param description a description, or null
     * @return this builder
     */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /**
     * @param trigger what starts the workflow (default manual)
     * @return this builder
     */
    public Builder trigger(WorkflowTrigger trigger) {
      this.trigger = Objects.requireNonNull(trigger, "trigger");
      return this;
    }

    /**
     * Adds steps, in order.
     *
     * @param steps the steps
     * @return this builder
     */
    public Builder step(Step... steps) {
      for (Step s : steps) {
        this.steps.add(Objects.requireNonNull(s, "step"));
      }
      return this;
    }

    /**
     * Adds a step built from a builder.
     *
     * @param step the step's builder
     * @return this builder
     */
    public Builder step(Step.Builder<?, ?> step) {
      this.steps.add(Objects.requireNonNull(step, "step").build());
      return this;
    }

    /**
     * Adds steps built from builders, in order.
     *
     * @param steps the steps' builders
     * @return this builder
     */
    public Builder step(Step.Builder<?, ?>... steps) {
      for (Step.Builder<?, ?> s : steps) {
        step(s);
      }
      return this;
    }

    /**
     * Replaces the steps.
     *
     * @param steps the steps, in order
     * @return this builder
     */
    public Builder steps(List<? extends Step> steps) {
      this.steps.clear();
      for (Step s : steps) {
        this.steps.add(Objects.requireNonNull(s, "step"));
      }
      return this;
    }

    /**
     * Replaces the step with the same id, or adds it when there is none.
     *
     * @param step the step
     * @return this builder
     */
    public Builder replaceStep(Step step) {
      Objects.requireNonNull(step, "step");
      for (int i = 0; i < steps.size(); i++) {
        if (steps.get(i).id().equals(step.id())) {
          steps.set(i, step);
          return this;
        }
      }
      steps.add(step);
      return this;
    }

    /**
     * @param stepId the step an execution starts with (default: the first)
     * @return this builder
     */
    public Builder entry(String stepId) {
      this.entry = stepId;
      return this;
    }

    /**
     * @param deadline how long an execution may take in all, or null for no limit
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = deadline;
      return this;
    }

    /**
     * @param rollbackEnabled whether failures roll back completed steps (default false)
     * @return this builder
     */
    public Builder rollbackEnabled(boolean rollbackEnabled) {
      this.rollbackEnabled = rollbackEnabled;
      return this;
    }

    /**
     * @param policy what a rollback does when a compensation fails
     * @return this builder
     */
    public Builder onCompensationFailure(CompensationFailure policy) {
      this.onCompensationFailure = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param escalation the workflow's escalation policy, or null
     * @return this builder
     */
    public Builder escalation(EscalationPolicy escalation) {
      this.escalation = escalation;
      return this;
    }

    /**
     * @param cooldown the dedup window per node, or null for none
     * @return this builder
     */
    public Builder cooldown(Duration cooldown) {
      this.cooldown = cooldown;
      return this;
    }

    /**
     * @param rateLimit the rate limit, or null for none
     * @return this builder
     */
    public Builder rateLimit(RateLimit rateLimit) {
      this.rateLimit = rateLimit;
      return this;
    }

    /**
     * @param enabled whether triggers start executions (default true)
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * @param tags tags (added to those given so far)
     * @return this builder
     */
    public Builder tags(String... tags) {
      this.tags.addAll(Arrays.asList(tags));
      return this;
    }

    /**
     * @param tags tags (replacing those given so far)
     * @return this builder
     */
    public Builder tags(Set<String> tags) {
      this.tags.clear();
      this.tags.addAll(tags);
      return this;
    }

    /**
     * Validates and builds the workflow.
     *
     * @return the workflow
     * @throws WorkflowValidationException listing every problem found (see {@link Workflow})
     */
    public Workflow build() {
      return build(List.of());
    }

    /**
     * Builds, reporting earlier problems (found while reading JSON) together with the builder's.
     *
     * @param earlier problems found before, reported first; a validation problem of the same step
     *     and field as an earlier one is not repeated
     * @return the workflow
     * @throws WorkflowValidationException if there is any problem
     */
    public Workflow build(List<WorkflowValidationException.Problem> earlier) {
      List<WorkflowValidationException.Problem> problems = new ArrayList<>(earlier);
      for (WorkflowValidationException.Problem p :
          WorkflowValidator.validate(
              id, name, trigger, steps, entry, deadline, escalation, cooldown, tags)) {
        if (!coveredBy(p, earlier)) {
          problems.add(p);
        }
      }
      if (!problems.isEmpty()) {
        throw new WorkflowValidationException(id.isBlank() ? name : id, problems);
      }
      Map<String, Step> byId = new LinkedHashMap<>();
      for (Step s : steps) {
        byId.put(s.id(), s);
      }
      String entryStep = entry != null ? entry : steps.get(0).id();
      return new Workflow(this, Collections.unmodifiableMap(byId), entryStep);
    }

    /**
     * Whether an earlier problem already reports {@code p}: same step, and the same field or a part
     * of it ({@code condition.pattern} covers {@code condition}); an inline script's problem
     * ({@code script.*}, {@code rollbackScript.*}) covers the missing script id it leaves behind.
     */
    private static boolean coveredBy(
        WorkflowValidationException.Problem p, List<WorkflowValidationException.Problem> earlier) {
      for (WorkflowValidationException.Problem e : earlier) {
        if (!Objects.equals(e.stepId(), p.stepId())) {
          continue;
        }
        String field = e.field();
        if (field.equals("script") || field.startsWith("script.")) {
          field = "scriptId" + field.substring("script".length());
        } else if (field.equals("rollbackScript") || field.startsWith("rollbackScript.")) {
          field = "rollbackScriptId" + field.substring("rollbackScript".length());
        } else if (field.equals("verifyScript") || field.startsWith("verifyScript.")) {
          field = "verifyScriptId" + field.substring("verifyScript".length());
        }
        if (field.equals(p.field()) || field.startsWith(p.field() + ".")) {
          return true;
        }
      }
      return false;
    }
  }
}
