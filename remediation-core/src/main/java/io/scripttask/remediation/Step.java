package io.scripttask.remediation;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a {@link Workflow}. A closed set of kinds: {@link ScriptStep}, {@link CommandStep},
 * {@link NotifyStep}, {@link EmailStep}, {@link DelayStep}, {@link ConditionStep}, {@link
 * HealthCheckStep}, {@link QuarantineStep}, {@link ReleaseStep}, {@link ApprovalStep}, {@link
 * EscalateStep}, {@link SucceedStep} and {@link FailStep}.
 *
 * <p>Every step has the {@link Common} fields (id, description, timeout, retry, success criteria,
 * compensation, interrupt policy, verification probe and the transitions {@code onSuccess} / {@code
 * onFailure}), read through the accessors of this interface. A step record only checks that its
 * fields are not null where they are required to be objects; the rules (required fields present,
 * durations positive, references known, ...) are checked when the workflow is built, which reports
 * every problem of every step at once in a {@link WorkflowValidationException}.
 *
 * <p>Create steps with the builders: {@code Step.script("backup").script("create-backup")
 * .timeout(Duration.ofMinutes(10)).rollbackScript("restore-backup").onSuccess("install")
 * .onFailure("notify-failure")}; {@link Workflow.Builder#step(Step.Builder)} takes a builder too.
 *
 * <p>Transitions: {@code onSuccess} / {@code onFailure} name the next step, or a {@link
 * Transitions} marker, or nothing: an absent {@code onSuccess} ends the workflow as succeeded, an
 * absent {@code onFailure} ends it as failed (rolling back when enabled). {@link
 * Builder#next(String)} sets both. For a {@link ConditionStep} {@code onSuccess} is the branch
 * taken when the condition holds and {@code onFailure} the other one.
 */
public sealed interface Step
    permits ScriptStep,
        CommandStep,
        NotifyStep,
        EmailStep,
        DelayStep,
        ConditionStep,
        HealthCheckStep,
        QuarantineStep,
        ReleaseStep,
        ApprovalStep,
        EscalateStep,
        SucceedStep,
        FailStep {

  /** The timeout of a step that declares none: 5 minutes (the seed's {@code defaultTimeout}). */
  Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /**
   * @return the fields every step has
   */
  Common common();

  /**
   * @return the step's id, unique in its workflow
   */
  default String id() {
    return common().id();
  }

  /**
   * @return the description, or null
   */
  default String description() {
    return common().description();
  }

  /**
   * @return how long one attempt may take (for a health check: how long it may keep probing)
   */
  default Duration timeout() {
    return common().timeout();
  }

  /**
   * @return the retry policy ({@link StepRetry#NONE} when the step declares none)
   */
  default StepRetry retry() {
    return common().retry();
  }

  /**
   * @return the success criteria, or null for the default (exit code 0, not timed out: {@link
   *     StepResult#succeededByDefault()})
   */
  default Condition successCriteria() {
    return common().successCriteria();
  }

  /**
   * @return the compensation run on rollback, or null
   */
  default Compensation compensation() {
    return common().compensation();
  }

  /**
   * @return what to do with this step if it was running when the process died
   */
  default InterruptPolicy interruptPolicy() {
    return common().interruptPolicy();
  }

  /**
   * @return the probe run on resume under {@link InterruptPolicy#VERIFY}, or null
   */
  default Verification verification() {
    return common().verification();
  }

  /**
   * @return the verification probe, if declared
   */
  default Optional<Verification> verificationIfSet() {
    return Optional.ofNullable(common().verification());
  }

  /**
   * @return the step id (or {@link Transitions} marker) to go to after success; null = end,
   *     succeeded
   */
  default String onSuccess() {
    return common().onSuccess();
  }

  /**
   * @return the step id (or {@link Transitions} marker) to go to after failure; null = end, failed
   */
  default String onFailure() {
    return common().onFailure();
  }

  /**
   * @return the success criteria, if declared
   */
  default Optional<Condition> successCriteriaIfSet() {
    return Optional.ofNullable(common().successCriteria());
  }

  /**
   * @return the compensation, if declared
   */
  default Optional<Compensation> compensationIfSet() {
    return Optional.ofNullable(common().compensation());
  }

  /**
   * @return the step kind's name as in JSON: {@code script}, {@code command}, {@code notify},
   *     {@code email}, {@code delay}, {@code condition}, {@code healthCheck}, {@code quarantine},
   *     {@code release}, {@code approval}, {@code escalate}, {@code succeed}, {@code fail}
   */
  String kind();

  /**
   * @param id the step id
   * @return a builder of a script step
   */
  static ScriptStep.Builder script(String id) {
    return new ScriptStep.Builder(id);
  }

  /**
   * @param id the step id
   * @return a builder of a command-list step
   */
  static CommandStep.Builder command(String id) {
    return new CommandStep.Builder(id);
  }

  /**
   * @param id the step id
   * @return a builder of a notify step
   */
  static NotifyStep.Builder notify(String id) {
    return new NotifyStep.Builder(id);
  }

  /**
   * @param id the step id
   * @return a builder of an e-mail step
   */
  static EmailStep.Builder email(String id) {
    return new EmailStep.Builder(id);
  }

  /**
   * @param id the step id
   * @param duration how long to wait
   * @return a builder of a delay step
   */
  static DelayStep.Builder delay(String id, Duration duration) {
    return new DelayStep.Builder(id).duration(duration);
  }

  /**
   * @param id the step id
   * @param condition the branch condition
   * @return a builder of a condition step
   */
  static ConditionStep.Builder condition(String id, Condition condition) {
    return new ConditionStep.Builder(id).condition(condition);
  }

  /**
   * @param id the step id
   * @return a builder of a health check step
   */
  static HealthCheckStep.Builder healthCheck(String id) {
    return new HealthCheckStep.Builder(id);
  }

  /**
   * @param id the step id
   * @return a builder of a quarantine step
   */
  static QuarantineStep.Builder quarantine(String id) {
    return new QuarantineStep.Builder(id);
  }

  /**
   * @param id the step id
   * @return a builder of a release step
   */
  static ReleaseStep.Builder release(String id) {
    return new ReleaseStep.Builder(id);
  }

  /**
   * @param id the step id
   * @return a builder of an approval step
   */
  static ApprovalStep.Builder approval(String id) {
    return new ApprovalStep.Builder(id);
  }

  /**
   * @param id the step id
   * @return a builder of an escalate step
   */
  static EscalateStep.Builder escalate(String id) {
    return new EscalateStep.Builder(id);
  }

  /**
   * @param id the step id
   * @return a builder of a terminal step that ends the workflow as succeeded
   */
  static SucceedStep.Builder succeed(String id) {
    return new SucceedStep.Builder(id);
  }

  /**
   * @param id the step id
   * @return a builder of a terminal step that ends the workflow as failed
   */
  static FailStep.Builder fail(String id) {
    return new FailStep.Builder(id);
  }

  /**
   * The fields every step has.
   *
   * @param id the step's id: letters, digits, {@code . _ -}; unique in the workflow
   * @param description a description, or null
   * @param timeout how long one attempt may take (default {@link Step#DEFAULT_TIMEOUT})
   * @param retry the retry policy (default {@link StepRetry#NONE})
   * @param successCriteria the success criteria, or null for exit code 0
   * @param compensation what undoes the step on rollback, or null
   * @param interruptPolicy what to do after a crash during the step (default {@link
   *     InterruptPolicy#FAIL})
   * @param verification the probe that checks, under {@link InterruptPolicy#VERIFY}, whether an
   *     interrupted step had done its work, or null
   * @param onSuccess the next step after success, a {@link Transitions} marker, or null (end)
   * @param onFailure the next step after failure, a {@link Transitions} marker, or null (end)
   */
  record Common(
      String id,
      String description,
      Duration timeout,
      StepRetry retry,
      Condition successCriteria,
      Compensation compensation,
      InterruptPolicy interruptPolicy,
      Verification verification,
      String onSuccess,
      String onFailure) {

    /**
     * Checks that the required objects are there (rules are checked by the workflow).
     *
     * @throws NullPointerException if the id, timeout, retry or interrupt policy is null
     */
    public Common {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(retry, "retry");
      Objects.requireNonNull(interruptPolicy, "interruptPolicy");
    }

    /**
     * @param id the step id
     * @return the defaults for a step with that id
     */
    public static Common of(String id) {
      return new Common(
          id,
          null,
          DEFAULT_TIMEOUT,
          StepRetry.NONE,
          null,
          null,
          InterruptPolicy.FAIL,
          null,
          null,
          null);
    }
  }

  /**
   * The part of every step builder that sets the {@link Common} fields. Not thread-safe.
   *
   * @param <B> the concrete builder
   * @param <S> the step it builds
   */
  abstract class Builder<B extends Builder<B, S>, S extends Step> {
    private final String id;
    private String description;
    private Duration timeout = DEFAULT_TIMEOUT;
    private StepRetry retry = StepRetry.NONE;
    private Condition successCriteria;
    private Compensation compensation;
    private InterruptPolicy interruptPolicy = InterruptPolicy.FAIL;
    private Verification verification;
    private String onSuccess;
    private String onFailure;

    /**
     * @param id the step id
     */
    protected Builder(String id) {
      this.id = Objects.requireNonNull(id, "id");
    }

    /**
     * @return this builder, typed
     */
    @SuppressWarnings("unchecked")
    protected final B self() {
      return (B) this;
    }

    /**
     * @return the common fields set so far
     */
    protected final Common common() {
      return new Common(
          id,
          description,
          timeout,
          retry,
          successCriteria,
          compensation,
          interruptPolicy,
          verification,
          onSuccess,
          onFailure);
    }

    /**
     * Sets every common field at once (used when copying a step).
     *
     * @param common the fields
     * @return this builder
     */
    public final B common(Common common) {
      Objects.requireNonNull(common, "common");
      if (!common.id().equals(id)) {
        throw new IllegalArgumentException("common.id must be " + id + ", but was " + common.id());
      }
      this.description = common.description();
      this.timeout = common.timeout();
      this.retry = common.retry();
      this.successCriteria = common.successCriteria();
      this.compensation = common.compensation();
      this.interruptPolicy = common.interruptPolicy();
      this.verification = common.verification();
      this.onSuccess = common.onSuccess();
      this.onFailure = common.onFailure();
      return self();
    }

    /**
     * @param description a description
     * @return this builder
     */
    public final B description(String description) {
      this.description = description;
      return self();
    }

    /**
     * @param timeout how long one attempt may take (default {@link Step#DEFAULT_TIMEOUT})
     * @return this builder
     */
    public final B timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return self();
    }

    /**
     * @param retry the retry policy (default none)
     * @return this builder
     */
    public final B retry(StepRetry retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return self();
    }

    /**
     * @param successCriteria when an attempt counts as a success (default exit code 0)
     * @return this builder
     */
    public final B successCriteria(Condition successCriteria) {
      this.successCriteria = successCriteria;
      return self();
    }

    /**
     * @param compensation what undoes the step on rollback
     * @return this builder
     */
    public final B compensation(Compensation compensation) {
      this.compensation = compensation;
      return self();
    }

    /**
     * @param scriptId a library script that undoes the step on rollback (the seed's {@code
     *     rollbackScriptId})
     * @return this builder
     */
    public final B rollbackScript(String scriptId) {
      this.compensation = Compensation.script(scriptId);
      return self();
    }

    /**
     * @param interruptPolicy what to do after a crash during the step (default {@link
     *     InterruptPolicy#FAIL})
     * @return this builder
     */
    public final B interruptPolicy(InterruptPolicy interruptPolicy) {
      this.interruptPolicy = Objects.requireNonNull(interruptPolicy, "interruptPolicy");
      return self();
    }

    /**
     * Marks the step idempotent: after a crash during it, it runs again.
     *
     * @return this builder, with {@link InterruptPolicy#RERUN}
     */
    public final B idempotent() {
      return interruptPolicy(InterruptPolicy.RERUN);
    }

    /**
     * Declares the verification probe and sets {@link InterruptPolicy#VERIFY}: after a crash during
     * the step, the engine runs the probe on the step's node; if it is healthy the step counts as
     * succeeded, otherwise the step runs again. Required for {@code VERIFY} on a script or command
     * step unless its success criteria read nothing of the step's own result.
     *
     * @param verification the probe, healthy criteria and timeout
     * @return this builder
     */
    public final B verify(Verification verification) {
      this.verification = Objects.requireNonNull(verification, "verification");
      this.interruptPolicy = InterruptPolicy.VERIFY;
      return self();
    }

    /**
     * Declares a library script as the verification probe (healthy on exit code 0, with the step's
     * timeout) and sets {@link InterruptPolicy#VERIFY}: see {@link #verify(Verification)}.
     *
     * @param scriptId a library script that checks, changing nothing, whether the step's work is
     *     done (JSON {@code verifyScriptId})
     * @return this builder
     */
    public final B verify(String scriptId) {
      return verify(Verification.script(scriptId));
    }

    /**
     * Declares a script as the verification probe (healthy on exit code 0, with the step's timeout)
     * and sets {@link InterruptPolicy#VERIFY}: see {@link #verify(Verification)}.
     *
     * @param script the probe
     * @return this builder
     */
    public final B verify(ScriptRef script) {
      return verify(Verification.of(script));
    }

    /**
     * @param stepId the next step after success, a {@link Transitions} marker, or null to end
     * @return this builder
     */
    public final B onSuccess(String stepId) {
      this.onSuccess = stepId;
      return self();
    }

    /**
     * @param stepId the next step after failure, a {@link Transitions} marker, or null to end
     * @return this builder
     */
    public final B onFailure(String stepId) {
      this.onFailure = stepId;
      return self();
    }

    /**
     * Goes to the same step whatever the outcome.
     *
     * @param stepId the next step
     * @return this builder, with both transitions set
     */
    public final B next(String stepId) {
      this.onSuccess = stepId;
      this.onFailure = stepId;
      return self();
    }

    /**
     * @return the step; its rules are checked when its workflow is built
     */
    public abstract S build();
  }
}
