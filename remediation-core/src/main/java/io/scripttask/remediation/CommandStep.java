package io.scripttask.remediation;

import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.Target;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a list of commands one after the other in a shell, stopping at the first failure when {@code
 * stopOnFailure}, on the execution's node or on a target.
 *
 * @param common the common fields
 * @param commands the commands; at least one (checked when the workflow is built)
 * @param stopOnFailure whether a failing command stops the rest
 * @param shell the shell
 * @param target where to run, or null for the execution's node
 * @param environment environment variables, values rendered as {@link Template}s
 */
public record CommandStep(
    Step.Common common,
    List<String> commands,
    boolean stopOnFailure,
    Shell shell,
    Target target,
    Map<String, Template> environment)
    implements Step {

  /**
   * @throws NullPointerException if {@code common}, {@code commands}, a command, {@code shell} or
   *     {@code environment} is null
   */
  public CommandStep {
    Objects.requireNonNull(common, "common");
    commands = List.copyOf(Objects.requireNonNull(commands, "commands"));
    Objects.requireNonNull(shell, "shell");
    environment = ScriptStep.copy(environment);
  }

  @Override
  public String kind() {
    return "command";
  }

  /**
   * @return the target, empty for the execution's node
   */
  public Optional<Target> targetIfSet() {
    return Optional.ofNullable(target);
  }

  /** Builds a {@link CommandStep}. */
  public static final class Builder extends Step.Builder<Builder, CommandStep> {
    private List<String> commands = List.of();
    private boolean stopOnFailure = true;
    private Shell shell = Shell.SH;
    private Target target;
    private final Map<String, Template> environment = new LinkedHashMap<>();

    Builder(String id) {
      super(id);
    }

    /**
     * @param commands the commands
     * @return this builder
     */
    public Builder commands(String... commands) {
      this.commands = List.copyOf(Arrays.asList(commands));
      return this;
    }

    /**
     * @param commands the commands
     * @return this builder
     */
    public Builder commands(List<String> commands) {
      this.commands = List.copyOf(commands);
      return this;
    }

    /**
     * @param stopOnFailure whether a failing command stops the rest (default true)
     * @return this builder
     */
    public Builder stopOnFailure(boolean stopOnFailure) {
      this.stopOnFailure = stopOnFailure;
      return this;
    }

    /**
     * @param shell the shell (default {@link Shell#SH})
     * @return this builder
     */
    public Builder shell(Shell shell) {
      this.shell = Objects.requireNonNull(shell, "shell");
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
     * @param value its value, a template
     * @return this builder
     */
    public Builder env(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Template.of(value));
      return this;
    }

    @Override
    public CommandStep build() {
      return new CommandStep(common(), commands, stopOnFailure, shell, target, environment);
    }
  }
}
