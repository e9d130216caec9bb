package io.scripttask.remediation;

/** What a {@link Condition.JsonPath} condition reads. */
public enum JsonSource {
  /** The current step result's standard output, parsed as JSON (output that is not JSON: false). */
  STDOUT,
  /** The trigger data ({@link ConditionContext#trigger()}), e.g. the metric sample. */
  TRIGGER
}
