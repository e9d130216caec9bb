package io.scripttask.scheduler.internal.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.SchedulerEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventBusTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static SchedulerEvent event(int i) {
    return new SchedulerEvent.ScheduleDeleted(T0.plusSeconds(i), "s" + i, null);
  }

  @Test
  void deliversSynchronouslyAndInOrderWithADirectExecutor() {
    EventBus bus = new EventBus(Runnable::run);
    List<SchedulerEvent> seen = new ArrayList<>();
    bus.register(seen::add);

    for (int i = 0; i < 5; i++) {
      bus.publish(event(i));
    }

    assertThat(seen).containsExactly(event(0), event(1), event(2), event(3), event(4));
    assertThat(bus.isIdle()).isTrue();
  }

  @Test
  void aThrowingListenerIsIsolatedAndKeepsReceiving() {
    EventBus bus = new EventBus(Runnable::run);
    List<SchedulerEvent> good = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    bus.register(
        e -> {
          calls.incrementAndGet();
          throw new IllegalStateException("listener bug");
        });
    bus.register(good::add);

    bus.publish(event(1));
    bus.publish(event(2));

    assertThat(good).containsExactly(event(1), event(2));
    assertThat(calls).hasValue(2);
    assertThat(bus.failures()).isEqualTo(2);
  }

  @Test
  void eachListenerSeesEveryEventInPublishingOrderOnAPool() throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      EventBus bus = new EventBus(pool);
      int listeners = 8;
      int events = 5_000;
      List<List<Integer>> seen = new ArrayList<>();
      AtomicInteger concurrentCalls = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      for (int l = 0; l < listeners; l++) {
        List<Integer> mine = Collections.synchronizedList(new ArrayList<>());
        seen.add(mine);
        AtomicInteger inside = new AtomicInteger();
        bus.register(
            e -> {
              if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              concurrentCalls.incrementAndGet();
              mine.add(
                  Integer.parseInt(((SchedulerEvent.ScheduleDeleted) e).scheduleId().substring(1)));
              inside.decrementAndGet();
            });
      }

      for (int i = 0; i < events; i++) {
        bus.publish(event(i));
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        expected.add(i);
      }
      for (List<Integer> mine : seen) {
        assertThat(mine).containsExactlyElementsOf(expected);
      }
      assertThat(overlaps).hasValue(0);
      assertThat(concurrentCalls).hasValue(listeners * events);
    } finally {
      pool.shutdownNow();
    }
  }
}
