package io.scripttask.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerInstance;
import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.testkit.MutableClock;
import io.scripttask.scheduler.testkit.ScriptedTransport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A started scheduler renews its lease from a thread of its own, so a long engine pass (a slow
 * database, a big backlog) does not make the other instances take its running jobs away. The pass
 * is blocked for real inside the store while the virtual clock moves past the lease; the test then
 * waits (Awaitility, real time, a lease of 300 ms) for the renewal.
 */
class LeaseThreadTest {

  private static final Instant T0 = Instant.parse("2030-01-07T00:00:00Z");

  @Test
  void leaseIsRenewedWhileAPassIsBlocked() throws Exception {
    MutableClock clock = MutableClock.at(T0);
    InMemorySchedulerStore store = new InMemorySchedulerStore();
    CountDownLatch passBlocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean block = new AtomicBoolean(false);
    SchedulerStore slow =
        (SchedulerStore)
            Proxy.newProxyInstance(
                SchedulerStore.class.getClassLoader(),
                new Class<?>[] {SchedulerStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("dueSchedules") && block.get()) {
                    passBlocked.countDown();
                    release.await(30, TimeUnit.SECONDS);
                  }
                  try {
                    return method.invoke(store, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    Scheduler scheduler =
        Scheduler.builder()
            .clock(clock)
            .store(slow)
            .nodes(new InMemoryNodeDirectory())
            .transport(new ScriptedTransport("scripted", clock))
            .instanceId("a")
            .leaseDuration(Duration.ofMillis(300))
            .pollInterval(Duration.ofMillis(50))
            .build();
    try {
      block.set(true);
      scheduler.start();
      assertThat(passBlocked.await(30, TimeUnit.SECONDS)).isTrue();
      // the pass is stuck in the store; time moves on far past the lease
      clock.advance(Duration.ofMinutes(5));
      Instant later = clock.instant();
      await().atMost(Duration.ofSeconds(20)).until(() -> leaseOf(store, "a").isAfter(later));
      assertThat(leaseOf(store, "a")).isEqualTo(later.plus(Duration.ofMillis(300)));
    } finally {
      block.set(false);
      release.countDown();
      scheduler.shutdown(Duration.ZERO);
    }
    assertThat(store.instances()).isEmpty();
  }

  private static Instant leaseOf(SchedulerStore store, String id) {
    List<SchedulerInstance> rows = store.instances();
    return rows.stream()
        .filter(i -> i.id().equals(id))
        .map(SchedulerInstance::leaseUntil)
        .findFirst()
        .orElse(Instant.MIN);
  }
}
