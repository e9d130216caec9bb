package io.scripttask.remediation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Condition} is evaluated against.
 *
 * <ul>
 *   <li>{@link #current()}: the result being judged. For a step's success criteria and retry-on
 *       predicate it is the step's own (latest) attempt; for a {@link ConditionStep} it is the
 *       result of the step that ran just before it; for trigger conditions it is absent.
 *   <li>{@link #steps()}: the latest result of every step that has run, by step id ({@link
 *       Condition.OnStep} reads them).
 *   <li>{@link #trigger()}: the trigger data, e.g. a metric sample ({@code diskUsagePercent -> 91})
 *       or the failed job's fields.
 * </ul>
 *
 * @param current the result being judged, or {@code null} when there is none
 * @param steps results of earlier steps by step id
 * @param trigger trigger data; values may be numbers, strings, booleans, lists, maps or null
 */
public record ConditionContext(
    StepResult current, Map<String, StepResult> steps, Map<String, Object> trigger) {

  /** No result, no steps, no trigger data. */
  public static final ConditionContext EMPTY = new ConditionContext(null, Map.of(), Map.of());

  /**
   * Copies the maps (the trigger map may hold null values).
   *
   * @throws NullPointerException if {@code steps} or {@code trigger} is null, or a step result is
   */
  public ConditionContext {
    steps = Map.copyOf(Objects.requireNonNull(steps, "steps"));
    trigger = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(trigger)));
  }

  /**
   * @param current the result being judged
   * @return a context with only that result
   */
  public static ConditionContext of(StepResult current) {
    return new ConditionContext(Objects.requireNonNull(current, "current"), Map.of(), Map.of());
  }

  /**
   * @param trigger trigger data
   * @return a context with only trigger data (as for trigger conditions)
   */
  public static ConditionContext ofTrigger(Map<String, ?> trigger) {
    return new ConditionContext(null, Map.of(), copy(trigger));
  }

  /**
   * @param result the result to judge instead
   * @return this context with another current result
   */
  public ConditionContext withCurrent(StepResult result) {
    return new ConditionContext(result, steps, trigger);
  }

  /**
   * @return the current result, if any
   */
  public Optional<StepResult> currentResult() {
    return Optional.ofNullable(current);
  }

  /**
   * @param stepId a step id
   * @return the latest result of that step, if it ran
   */
  public Optional<StepResult> step(String stepId) {
    return Optional.ofNullable(steps.get(stepId));
  }

  private static Map<String, Object> copy(Map<String, ?> map) {
    return new LinkedHashMap<>(Objects.requireNonNull(map, "trigger"));
  }
}
