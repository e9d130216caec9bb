package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Ordered escalation tiers, run one after the other (each after its delay), the whole list {@code
 * repeat} times. The engine stops an escalation when the execution that started it resolves
 * (succeeds or is cancelled), when someone acknowledges it, or when its rounds are spent; a failed
 * execution keeps escalating (a failed remediation is what must keep paging people).
 *
 * @param tiers the tiers, at least one
 * @param repeat how many times the list of tiers runs, 1 to {@value #MAX_REPEAT}
 */
public record EscalationPolicy(List<EscalationTier> tiers, int repeat) {

  /** The largest repeat count. */
  public static final int MAX_REPEAT = 100;

  /**
   * Validates the policy.
   *
   * @throws NullPointerException if the list or a tier is null
   * @throws ValidationException if there is no tier or the repeat count is out of range
   */
  public EscalationPolicy {
    tiers = List.copyOf(Objects.requireNonNull(tiers, "tiers"));
    if (tiers.isEmpty()) {
      throw new ValidationException("tiers", "name at least one tier", "[]");
    }
    if (repeat < 1 || repeat > MAX_REPEAT) {
      throw new ValidationException("repeat", "be 1 to " + MAX_REPEAT, repeat);
    }
  }

  /**
   * @param tiers the tiers
   * @return a policy running the tiers once
   */
  public static EscalationPolicy of(EscalationTier... tiers) {
    return new EscalationPolicy(Arrays.asList(tiers), 1);
  }

  /**
   * @param times how many times the tiers run
   * @return this policy repeated
   */
  public EscalationPolicy repeat(int times) {
    return new EscalationPolicy(tiers, times);
  }
}
