package io.scripttask.remediation.internal.engine;

import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.spi.RemediationListener;
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
 * Delivers {@link RemediationEvent}s to listeners: each listener has a queue of its own, drained by
 * at most one task at a time on the executor, so it sees events one at a time in publishing order
 * and a slow listener delays only itself. A listener that throws is logged and keeps receiving
 * later events; {@link #publish} never throws because of a listener. With a direct executor ({@code
 * Runnable::run}) delivery happens on the publishing thread.
 */
public final class EventDispatcher {
  private static final System.Logger LOG = System.getLogger(EventDispatcher.class.getName());

  private final Executor executor;
  private final List<Mailbox> mailboxes = new CopyOnWriteArrayList<>();
  private final AtomicLong failures = new AtomicLong();

  /**
   * @param executor runs deliveries
   */
  public EventDispatcher(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * @param listener a listener hearing the events published from now on
   */
  public void register(RemediationListener listener) {
    mailboxes.add(new Mailbox(Objects.requireNonNull(listener, "listener")));
  }

  /**
   * @param event the event for every listener
   */
  public void publish(RemediationEvent event) {
    Objects.requireNonNull(event, "event");
    for (Mailbox m : mailboxes) {
      m.offer(event);
    }
  }

  /**
   * @return whether every event published so far was delivered
   */
  public boolean isIdle() {
    for (Mailbox m : mailboxes) {
      if (m.busy.get() || !m.queue.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * @return how many listener calls threw
   */
  public long failures() {
    return failures.get();
  }

  private final class Mailbox implements Runnable {
    private final RemediationListener listener;
    private final Queue<RemediationEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean busy = new AtomicBoolean();

    Mailbox(RemediationListener listener) {
      this.listener = listener;
    }

    void offer(RemediationEvent event) {
      queue.add(event);
      drainLater();
    }

    private void drainLater() {
      if (!busy.compareAndSet(false, true)) {
        return;
      }
      try {
        executor.execute(this);
      } catch (RejectedExecutionException e) {
        busy.set(false);
        queue.clear();
        LOG.log(System.Logger.Level.WARNING, "event executor refused delivery; events dropped", e);
      }
    }

    @Override
    public void run() {
      try {
        for (RemediationEvent e = queue.poll(); e != null; e = queue.poll()) {
          deliver(e);
        }
      } finally {
        busy.set(false);
      }
      if (!queue.isEmpty()) {
        drainLater();
      }
    }

    private void deliver(RemediationEvent e) {
      try {
        listener.onEvent(e);
      } catch (RuntimeException | Error thrown) {
        if (thrown instanceof VirtualMachineError fatal) {
          throw fatal;
        }
        failures.incrementAndGet();
        LOG.log(
            System.Logger.Level.WARNING,
            () ->
                "remediation listener "
                    + listener.getClass().getName()
                    + " threw on "
                    + e.getClass().getSimpleName()
                    + "; it keeps receiving events",
            thrown);
      }
    }
  }
}
