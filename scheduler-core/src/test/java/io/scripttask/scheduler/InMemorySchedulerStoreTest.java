package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.testkit.SchedulerStoreContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the {@link SchedulerStoreContract} against {@link InMemorySchedulerStore}. */
class InMemorySchedulerStoreTest extends SchedulerStoreContract {

  @Override
  protected SchedulerStore newStore() {
    return new InMemorySchedulerStore();
  }

  @Test
  void dueSchedulesAndDispatchableStayFastWithManyEntriesNotDue() {
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      store.create(schedule("s" + i, T0.plusSeconds(3600 + i)));
      store.insert(job("j" + i, "s" + i, T0.plusSeconds(3600 + i), "n1", Priority.CRITICAL, i));
    }
    store.create(schedule("due", T0));
    store.insert(job("ready", "due", T0, "n1", Priority.LOW, n));
    // Each query must read the index from its head, not scan the 100k entries that are not due:
    // 10k repetitions would take minutes if each scanned.
    for (int i = 0; i < 10_000; i++) {
      assertThat(store.dueSchedules(T0, 10)).hasSize(1);
      List<Job> ready = store.dispatchable(T0, 10);
      assertThat(ready).extracting(Job::id).containsExactly("ready");
    }
  }
}
