package io.scripttask.remediation.spi;

import io.scripttask.remediation.RemediationEvent;

/**
 * Hears every {@link RemediationEvent}. Each listener is called from one thread at a time, in the
 * order the events happened, never on the engine's own path; an exception it throws is logged and
 * isolated (the engine and the other listeners go on, and it keeps receiving later events).
 */
@FunctionalInterface
public interface RemediationListener {

  /**
   * Called once per event.
   *
   * @param event the event
   */
  void onEvent(RemediationEvent event);
}
