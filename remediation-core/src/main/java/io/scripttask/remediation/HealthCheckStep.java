package io.scripttask.remediation;

import io.scripttask.scheduler.Script;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Probes until healthy: runs the script every {@code interval} until the success criteria hold
 * (exit code 0 when none are declared), then takes {@code onSuccess}; when the step's {@link
 * #timeout()} passes first it takes {@code onFailure}. Each probe may take {@code probeTimeout}.
 *
 * @param common the common fields; {@code timeout} is how long the step may keep probing
 * @param script the probe script; required (checked when the workflow is built)
 * @param interval the wait between probes; positive, required
 * @param probeTimeout how long one probe may take, or null for {@code interval}
 * @param environment environment variables, values rendered as {@link Template}s
 */
public record HealthCheckStep(
    Step.Common common,
    ScriptRef script,
    Duration interval,
    Duration probeTimeout,
    Map<String, Template> environment)
    implements Step {

  /**
   * @throws NullPointerException if {@code common} or {@code environment} is null
   */
  public HealthCheckStep {
    Objects.requireNonNull(common, "common");
    environment = ScriptStep.copy(environment);
  }

  @Override
  public String kind() {
    return "healthCheck";
  }

  /**
   * @return how long one probe may take: {@code probeTimeout}, or the interval when not set
   */
  public Duration effectiveProbeTimeout() {
    return probeTimeout != null ? probeTimeout : interval;
  }

  /** Builds a {@link HealthCheckStep}. */
  public static final class Builder extends Step.Builder<Builder, HealthCheckStep> {
    private ScriptRef script;
    private Duration interval;
    private Duration probeTimeout;
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
     * @param interval the wait between probes
     * @return this builder
     */
    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    /**
     * @param probeTimeout how long one probe may take (default: the interval)
     * @return this builder
     */
    public Builder probeTimeout(Duration probeTimeout) {
      this.probeTimeout = probeTimeout;
      return this;
    }

    /**
     * @param name an environment variable name
     * @param value its value, a template
     * @return this builder
     */
    public Builder env(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Template.of(value));
      return this;
    }

    @Override
    public HealthCheckStep build() {
      return new HealthCheckStep(common(), script, interval, probeTimeout, environment);
    }
  }
}
