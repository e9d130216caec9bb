package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.engine.Engine;
import io.scripttask.scheduler.spi.SchedulerStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Maintenance windows and scripts of a {@link Scheduler}, kept in its store. A window change makes
 * the engine re-examine the jobs held by windows. Thread-safe.
 */
public final class CatalogOperations {

  private final Engine engine;
  private final SchedulerStore store;

  CatalogOperations(Engine engine, SchedulerStore store) {
    this.engine = engine;
    this.store = store;
  }

  /**
   * Adds or replaces (same id) a maintenance window.
   *
   * @param window the window
   * @return the window it replaced, or empty
   * @throws NullPointerException if {@code window} is null
   */
  public Optional<MaintenanceWindow> putWindow(MaintenanceWindow window) {
    Optional<MaintenanceWindow> before = store.putWindow(Objects.requireNonNull(window, "window"));
    engine.windowsChanged();
    return before;
  }

  /**
   * Removes a maintenance window.
   *
   * @param id the window's id
   * @return whether it existed
   * @throws NullPointerException if {@code id} is null
   */
  public boolean removeWindow(String id) {
    boolean removed = store.removeWindow(Objects.requireNonNull(id, "id"));
    engine.windowsChanged();
    return removed;
  }

  /**
   * @return the windows ordered by id
   */
  public List<MaintenanceWindow> windows() {
    return store.windows();
  }

  /**
   * Adds or replaces (same id) a script. Jobs run the script as stored when they start.
   *
   * @param script the script
   * @return the script it replaced, or empty
   * @throws NullPointerException if {@code script} is null
   */
  public Optional<Script> putScript(Script script) {
    return store.putScript(Objects.requireNonNull(script, "script"));
  }

  /**
   * Removes a script. Jobs that still reference it fail when they come up.
   *
   * @param id the script's id
   * @return whether it existed
   * @throws NullPointerException if {@code id} is null
   */
  public boolean removeScript(String id) {
    return store.removeScript(Objects.requireNonNull(id, "id"));
  }

  /**
   * Reads a script.
   *
   * @param id the id
   * @return the script, or empty
   * @throws NullPointerException if {@code id} is null
   */
  public Optional<Script> script(String id) {
    return store.script(Objects.requireNonNull(id, "id"));
  }

  /**
   * @return the scripts ordered by id
   */
  public List<Script> scripts() {
    return store.scripts();
  }
}
