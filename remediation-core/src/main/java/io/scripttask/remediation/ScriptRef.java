package io.scripttask.remediation;

import io.scripttask.scheduler.Script;
import java.util.Objects;

/**
 * The script a step runs: a script of the host's library, by id (resolved by the engine when the
 * step runs), or a {@link Script} given inline.
 */
public sealed interface ScriptRef {

  /**
   * @param scriptId a library script's id
   * @return a reference to it
   */
  static ScriptRef library(String scriptId) {
    return new Library(scriptId);
  }

  /**
   * @param script the script
   * @return an inline reference
   */
  static ScriptRef inline(Script script) {
    return new Inline(script);
  }

  /**
   * @return the library script id, or the inline script's id
   */
  String scriptId();

  /**
   * A script of the host's library (the seed's {@code scriptId}), looked up when the step runs.
   *
   * @param scriptId the script's id (checked not blank when the workflow is built)
   */
  record Library(String scriptId) implements ScriptRef {
    /**
     * @throws NullPointerException if {@code scriptId} is null
     */
    public Library {
      Objects.requireNonNull(scriptId, "scriptId");
    }
  }

  /**
   * A script given with the workflow.
   *
   * @param script the script
   */
  record Inline(Script script) implements ScriptRef {
    /**
     * @throws NullPointerException if {@code script} is null
     */
    public Inline {
      Objects.requireNonNull(script, "script");
    }

    @Override
    public String scriptId() {
      return script.id();
    }
  }
}
