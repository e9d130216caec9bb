package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.ValidationException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a {@link Transport} is asked to run.
 *
 * <p>Variables reach the script as environment variables, never spliced into its text, so values
 * cannot inject commands. Their values may be secrets: {@link #toString()} shows only their names.
 *
 * @param executionId a unique id of this run (the job id and attempt), for logs and remote kill
 * @param node the node to run on
 * @param script the script
 * @param environment environment variables handed to the script
 * @param timeout how long the run may take
 * @param killOnTimeout whether a run past its timeout is killed (otherwise it is reported {@code
 *     TIMED_OUT} and left to finish, its result discarded)
 * @param output how much output to keep
 */
public record ExecutionRequest(
    String executionId,
    Node node,
    Script script,
    Map<String, String> environment,
    Duration timeout,
    boolean killOnTimeout,
    OutputPolicy output) {

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Validates the request.
   *
   * @throws NullPointerException if a field is null
   * @throws ValidationException if the timeout is not positive or a variable name is not a valid
   *     environment variable name
   */
  public ExecutionRequest {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(script, "script");
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(output, "output");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ValidationException("timeout", "be positive", timeout);
    }
    for (String name : environment.keySet()) {
      if (!ENV_NAME.matcher(name).matches()) {
        throw new ValidationException(
            "environment", "have names matching [A-Za-z_][A-Za-z0-9_]*", "\"" + name + "\"");
      }
    }
  }

  @Override
  public String toString() {
    return "ExecutionRequest[executionId="
        + executionId
        + ", node="
        + node.id()
        + ", script="
        + script.id()
        + ", environment="
        + environment.keySet()
        + " (values hidden), timeout="
        + timeout
        + ", killOnTimeout="
        + killOnTimeout
        + ", output="
        + output
        + "]";
  }
}
