package io.scripttask.remediation;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What undoes a completed step when the workflow rolls back (the seed's {@code rollbackScriptId}):
 * a script run on the same node or target as the step.
 *
 * @param script the script to run
 * @param timeout how long it may take, or {@code null} for the step's own timeout
 */
public record Compensation(ScriptRef script, Duration timeout) {

  /**
   * @throws NullPointerException if {@code script} is null
   */
  public Compensation {
    Objects.requireNonNull(script, "script");
  }

  /**
   * @param scriptId a library script's id
   * @return a compensation running that script with the step's timeout
   */
  public static Compensation script(String scriptId) {
    return new Compensation(ScriptRef.library(scriptId), null);
  }

  /**
   * @param script the script
   * @return a compensation running that script with the step's timeout
   */
  public static Compensation of(ScriptRef script) {
    return new Compensation(script, null);
  }

  /**
   * @return the timeout, empty for the step's own
   */
  public Optional<Duration> timeoutIfSet() {
    return Optional.ofNullable(timeout);
  }
}
