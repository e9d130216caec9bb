package io.scripttask.remediation;

import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a script (a library script by id, or an inline {@link Script}) on the node the execution
 * runs for, or on the nodes of a {@link Target}. With a target, the step succeeds only when it
 * succeeds on every node.
 *
 * @param common the common fields
 * @param script the script; required (null is reported when the workflow is built)
 * @param target where to run, or null for the execution's node
 * @param environment environment variables for the script, values rendered as {@link Template}s
 */
public record ScriptStep(
    Step.Common common, ScriptRef script, Target target, Map<String, Template> environment)
    implements Step {

  /**
   * @throws NullPointerException if {@code common} or {@code environment} is null
   */
  public ScriptStep {
    Objects.requireNonNull(common, "common");
    environment = copy(environment);
  }

  static Map<String, Template> copy(Map<String, Template> environment) {
    Objects.requireNonNull(environment, "environment");
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  @Override
  public String kind() {
    return "script";
  }

  /**
   * @return the target, empty for the execution's node
   */
  public Optional<Target> targetIfSet() {
    return Optional.ofNullable(target);
  }

  /** Builds a {@link ScriptStep}. */
  public static final class Builder extends Step.Builder<Builder, ScriptStep> {
    private ScriptRef script;
    private Target target;
    private final Map<String, Template> environment = new LinkedHashMap<>();

    Builder(String id) {
      super(id);
    }

    /**
     * @param scriptId a library script's id
     * @return this builder
     */
    public Builder script(String scriptId) {
      this.script = ScriptRef.library(scriptId);
      return this;
    }

    /**
     * @param script an inline script
     * @return this builder
     */
    public Builder script(Script script) {
      this.script = ScriptRef.inline(script);
      return this;
    }

    /**
     * @param script the script
     * @return this builder
     */
    public Builder script(ScriptRef script) {
      this.script = script;
      return this;
    }

    /**
     * @param target the nodes to run on instead of the execution's node
     * @return this builder
     */
    public Builder target(Target target) {
      this.target = target;
      return this;
    }

    /**
     * @param name an environment variable name
     * @param value its value, a template such as {@code ${trigger.mount}}
     * @return this builder
     */
    public Builder env(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Template.of(value));
      return this;
    }

    /**
     * @param environment environment variables (replacing those set so far)
     * @return this builder
     */
    public Builder environment(Map<String, Template> environment) {
      this.environment.clear();
      this.environment.putAll(environment);
      return this;
    }

    @Override
    public ScriptStep build() {
      return new ScriptStep(common(), script, target, environment);
    }
  }
}
