package io.scripttask.remediation;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The probe that decides, after a crash, whether a step that was running when the process died had
 * in fact done its work (the {@link InterruptPolicy#VERIFY} policy: "health check first"). On
 * resume the engine runs {@code script} on the step's node (or the nodes of its target) through the
 * node's transport, as a health check runs its probe; when {@code healthyWhen} holds on the probe's
 * result (on every node) the step counts as succeeded and its {@code onSuccess} transition is
 * followed; otherwise (the probe is unhealthy, times out, or cannot start) the step runs again.
 *
 * <p>In JSON: {@code "verifyScriptId"} (or an inline {@code "verifyScript"}), {@code
 * "verifyCriteria"} and {@code "verifyTimeout"} on the step.
 *
 * @param script the probe script; it must not change anything
 * @param healthyWhen when the probe says the step's work is done, or null for exit code 0
 * @param timeout how long the probe may take, or null for the step's own timeout
 */
public record Verification(ScriptRef script, Condition healthyWhen, Duration timeout) {

  /**
   * @throws NullPointerException if {@code script} is null
   */
  public Verification {
    Objects.requireNonNull(script, "script");
  }

  /**
   * @param scriptId a library script's id
   * @return a verification by that script, healthy on exit code 0, with the step's timeout
   */
  public static Verification script(String scriptId) {
    return new Verification(ScriptRef.library(scriptId), null, null);
  }

  /**
   * @param script the probe script
   * @return a verification by that script, healthy on exit code 0, with the step's timeout
   */
  public static Verification of(ScriptRef script) {
    return new Verification(script, null, null);
  }

  /**
   * @param condition when the probe's result means the step's work is done
   * @return a copy with that condition
   */
  public Verification withHealthyWhen(Condition condition) {
    return new Verification(script, condition, timeout);
  }

  /**
   * @param probeTimeout how long the probe may take
   * @return a copy with that timeout
   */
  public Verification withTimeout(Duration probeTimeout) {
    return new Verification(script, healthyWhen, probeTimeout);
  }

  /**
   * @return the condition, empty for exit code 0
   */
  public Optional<Condition> healthyWhenIfSet() {
    return Optional.ofNullable(healthyWhen);
  }

  /**
   * @return the timeout, empty for the step's own
   */
  public Optional<Duration> timeoutIfSet() {
    return Optional.ofNullable(timeout);
  }
}
