package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.SchedulerEvent;

/**
 * Hears every {@link SchedulerEvent}. Each listener is called from one thread at a time, in the
 * order the events happened, never on the engine's own dispatch path; an exception it throws is
 * logged and isolated (the engine and the other listeners go on).
 */
@FunctionalInterface
public interface EventListener {

  /**
   * Called once per event.
   *
   * @param event the event
   */
  void onEvent(SchedulerEvent event);
}
