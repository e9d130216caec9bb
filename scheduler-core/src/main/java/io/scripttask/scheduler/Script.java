package io.scripttask.scheduler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A script to run on nodes: either a body of {@code content} for its {@link Shell}, or a list of
 * {@code commands} run one after the other (stopping at the first failure when {@code
 * stopOnFailure}).
 *
 * <p>Immutable; build one with {@link #builder(String)}. Its {@link #contentHash()} identifies the
 * exact text that runs, so a job's record says which version of a script it ran.
 *
 * @param id the script's unique id
 * @param name a display name
 * @param shell the interpreter
 * @param content the script body, or {@code null} when the script is a command list
 * @param commands the commands, empty when the script has a body
 * @param stopOnFailure for a command list, whether a failing command stops the rest
 * @param defaultTimeout how long a run may take unless its schedule says otherwise
 */
public record Script(
    String id,
    String name,
    Shell shell,
    String content,
    List<String> commands,
    boolean stopOnFailure,
    Duration defaultTimeout) {

  /** The timeout a script gets when none is given: 5 minutes (the MeshCentral seed's 300 s). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /**
   * Validates the script.
   *
   * @throws NullPointerException if id, name, shell, commands or defaultTimeout is null
   * @throws ValidationException if the id is blank, if both or neither of content and commands are
   *     given, if a command is blank, or if the timeout is not positive
   */
  public Script {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(shell, "shell");
    commands = List.copyOf(Objects.requireNonNull(commands, "commands"));
    Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    if (id.isBlank()) {
      throw new ValidationException("id", "not be blank", "\"" + id + "\"");
    }
    if (content == null && commands.isEmpty()) {
      throw new ValidationException(
          "content", "be given, or commands must not be empty", "null with no commands");
    }
    if (content != null && !commands.isEmpty()) {
      throw new ValidationException(
          "content", "not be given together with commands", commands.size() + " commands");
    }
    for (int i = 0; i < commands.size(); i++) {
      if (commands.get(i).isBlank()) {
        throw new ValidationException("commands[" + i + "]", "not be blank", "\"\"");
      }
    }
    if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
      throw new ValidationException("defaultTimeout", "be positive", defaultTimeout);
    }
  }

  /**
   * Starts a builder.
   *
   * @param id the script's id
   * @return a builder
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /**
   * @return the body, or empty for a command list
   */
  public Optional<String> body() {
    return Optional.ofNullable(content);
  }

  /**
   * @return whether this script is a list of commands rather than a body
   */
  public boolean isCommandList() {
    return content == null;
  }

  /**
   * @return the SHA-256 of the shell and the text that runs, as lower-case hex; equal scripts have
   *     equal hashes whatever their id or name
   */
  public String contentHash() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(shell.name().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      if (content != null) {
        sha.update(content.getBytes(StandardCharsets.UTF_8));
      } else {
        sha.update((byte) (stopOnFailure ? 1 : 0));
        for (String c : commands) {
          sha.update((byte) 0);
          sha.update(c.getBytes(StandardCharsets.UTF_8));
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Builds a {@link Script}; not thread-safe. */
  public static final class Builder {
    private final String id;
    private String name;
    private Shell shell = Shell.SH;
    private String content;
    private List<String> commands = List.of();
    private boolean stopOnFailure = true;
    private Duration defaultTimeout = DEFAULT_TIMEOUT;

    private Builder(String id) {
      this.id = Objects.requireNonNull(id, "id");
    }

    /**
     * @param name the display name (defaults to the id)
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * @param shell the interpreter (default {@link Shell#SH})
     * @return this builder
     */
    public Builder shell(Shell shell) {
      this.shell = Objects.requireNonNull(shell, "shell");
      return this;
    }

    /**
     * @param content the script body
     * @return this builder
     */
    public Builder content(String content) {
      this.content = Objects.requireNonNull(content, "content");
      return this;
    }

    /**
     * @param commands commands run one after the other
     * @return this builder
     */
    public Builder commands(String... commands) {
      this.commands = List.of(commands);
      return this;
    }

    /**
     * @param commands commands run one after the other
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
     * @param timeout the default timeout (default {@link #DEFAULT_TIMEOUT})
     * @return this builder
     */
    public Builder defaultTimeout(Duration timeout) {
      this.defaultTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * @return the script
     * @throws ValidationException if the script breaks a rule of {@link Script}
     */
    public Script build() {
      return new Script(
          id, name == null ? id : name, shell, content, commands, stopOnFailure, defaultTimeout);
    }
  }
}
