package io.scripttask.scheduler.internal.events;

import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.spi.EventListener;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers {@link SchedulerEvent}s to listeners. Each listener has its own queue, drained by at
 * most one task at a time on the given executor, so a listener sees events one at a time and in
 * publishing order, and a slow listener delays only itself. A listener that throws is logged and
 * goes on receiving later events.
 *
 * <p>With a direct executor ({@code Runnable::run}) delivery is synchronous, which is what
 * virtual-time tests use. {@link #publish} never throws because of a listener.
 */
public final class EventBus {
  private static final System.Logger LOG = System.getLogger(EventBus.class.getName());

  private final Executor executor;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong failures = new AtomicLong();

  /**
   * Creates a bus.
   *
   * @param executor runs the delivery tasks
   */
  public EventBus(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Adds a listener; it hears the events published from now on.
   *
   * @param listener the listener
   */
  public void register(EventListener listener) {
    subscribers.add(new Subscriber(Objects.requireNonNull(listener, "listener")));
  }

  /**
   * Publishes an event to every listener.
   *
   * @param event the event
   */
  public void publish(SchedulerEvent event) {
    Objects.requireNonNull(event, "event");
    for (Subscriber s : subscribers) {
      s.offer(event);
    }
  }

  /**
   * @return whether every published event has been delivered (or has failed in its listener)
   */
  public boolean isIdle() {
    for (Subscriber s : subscribers) {
      if (s.running.get() || !s.queue.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * @return how many listener calls have thrown so far
   */
  public long failures() {
    return failures.get();
  }

  private final class Subscriber implements Runnable {
    final EventListener listener;
    final Queue<SchedulerEvent> queue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean running = new AtomicBoolean();

    Subscriber(EventListener listener) {
      this.listener = listener;
    }

    void offer(SchedulerEvent event) {
      queue.add(event);
      schedule();
    }

    private void schedule() {
      if (running.compareAndSet(false, true)) {
        try {
          executor.execute(this);
        } catch (RejectedExecutionException e) {
          running.set(false);
          queue.clear();
          LOG.log(
              System.Logger.Level.WARNING, "event executor refused delivery; events dropped", e);
        }
      }
    }

    @Override
    public void run() {
      try {
        SchedulerEvent e;
        while ((e = queue.poll()) != null) {
          try {
            listener.onEvent(e);
          } catch (RuntimeException | Error thrown) {
            if (thrown instanceof VirtualMachineError vme) {
              throw vme;
            }
            failures.incrementAndGet();
            LOG.log(
                System.Logger.Level.WARNING,
                "event listener "
                    + listener.getClass().getName()
                    + " threw on "
                    + e.getClass().getSimpleName()
                    + "; it keeps receiving events",
                thrown);
          }
        }
      } finally {
        running.set(false);
      }
      // an event offered after the last poll but before running was cleared
      if (!queue.isEmpty()) {
        schedule();
      }
    }
  }
}
