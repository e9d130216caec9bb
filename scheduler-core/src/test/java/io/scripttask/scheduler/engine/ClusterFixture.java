package io.scripttask.scheduler.engine;

import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.spi.RunningCounts;
import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.testkit.MutableClock;
import io.scripttask.scheduler.testkit.ScriptedTransport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Several scheduler instances on one in-memory store, one node directory and one virtual clock,
 * driven pass by pass by the test (never started, never sleeping). Each instance has its own
 * scripted transport, as each would run its own processes or connections. An instance that the test
 * stops driving behaves like a crashed or hung process: it neither heartbeats nor records results.
 */
final class ClusterFixture {

  static final Instant T0 = Instant.parse("2030-01-07T00:00:00Z");
  static final String TRANSPORT = "scripted";
  static final Duration LEASE = Duration.ofSeconds(30);

  /** One scheduler instance of the cluster. */
  final class Member {
    final String id;
    final Scheduler scheduler;
    final ScriptedTransport transport;
    final List<SchedulerEvent> events = Collections.synchronizedList(new ArrayList<>());

    Member(String id, UnaryOperator<SchedulerStore> storeView, Consumer<Scheduler.Builder> custom) {
      this.id = id;
      this.transport = new ScriptedTransport(TRANSPORT, clock);
      Scheduler.Builder b =
          Scheduler.builder()
              .clock(clock)
              .store(storeView.apply(store))
              .nodes(nodes)
              .transport(transport)
              .eventExecutor(Runnable::run)
              .instanceId(id)
              .leaseDuration(LEASE)
              .listener(events::add);
      custom.accept(b);
      this.scheduler = b.build();
    }

    /** One pass of this instance at the current virtual time: ends its due runs, then ticks. */
    void pass() {
      transport.completeDue(clock.instant());
      scheduler.runDueWork();
    }

    <T extends SchedulerEvent> List<T> events(Class<T> type) {
      synchronized (events) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
      }
    }

    @Override
    public String toString() {
      return id;
    }
  }

  final MutableClock clock = MutableClock.at(T0);
  final InMemorySchedulerStore store = new InMemorySchedulerStore();
  final InMemoryNodeDirectory nodes = new InMemoryNodeDirectory(Runnable::run);
  final Map<String, Member> members = new LinkedHashMap<>();

  /** Chooses who passes first in a step; seeded, so every run of a test is the same. */
  private final Random order = new Random(42);

  /** Every store-wide running count seen after a pass, for limit checks. */
  final List<RunningCounts> seen = new ArrayList<>();

  /**
   * Adds an instance on the shared store.
   *
   * @param id its instance id
   * @return the instance
   */
  Member add(String id) {
    return add(id, s -> s, b -> {});
  }

  Member add(String id, Consumer<Scheduler.Builder> custom) {
    return add(id, s -> s, custom);
  }

  /**
   * Adds an instance that sees the shared store through {@code storeView} (a wrapper that injects a
   * failure or a race).
   */
  Member add(
      String id, UnaryOperator<SchedulerStore> storeView, Consumer<Scheduler.Builder> custom) {
    Member m = new Member(id, storeView, custom);
    members.put(id, m);
    return m;
  }

  Member member(String id) {
    return members.get(id);
  }

  Node node(String id, String... groups) {
    Node n = Node.of(id, TRANSPORT).withGroups(Set.of(groups));
    nodes.put(n);
    return n;
  }

  /** Stores a script (through the first instance) and scripts its runs on every instance. */
  Script script(String id, ScriptedTransport.Outcome... outcomes) {
    Script s = Script.builder(id).content("echo " + id).defaultTimeout(Duration.ofHours(1)).build();
    members.values().iterator().next().scheduler.catalog().putScript(s);
    for (Member m : members.values()) {
      m.transport.script(id, outcomes);
    }
    return s;
  }

  /**
   * Moves virtual time forward and runs one pass of each given instance, starting with a randomly
   * (seeded) chosen one each step so that every instance gets to claim work first now and then;
   * records the store's running counts after each pass.
   */
  void step(Duration d, Member... driven) {
    clock.advance(d);
    passes(driven);
  }

  /** Runs one pass of each given instance at the current time, in a seeded random rotation. */
  void passes(Member... driven) {
    int first = driven.length > 1 ? order.nextInt(driven.length) : 0;
    for (int i = 0; i < driven.length; i++) {
      driven[(i + first) % driven.length].pass();
      seen.add(store.runningCounts());
    }
  }

  /** Steps every {@code d} until {@code total} has passed, driving {@code driven} each step. */
  void run(Duration total, Duration d, Member... driven) {
    Instant end = clock.instant().plus(total);
    while (clock.instant().isBefore(end)) {
      step(d, driven);
    }
  }

  /** Like {@link #run} but the instances pass in the given order at every step. */
  void runInOrder(Duration total, Duration d, Member... driven) {
    Instant end = clock.instant().plus(total);
    while (clock.instant().isBefore(end)) {
      clock.advance(d);
      for (Member m : driven) {
        m.pass();
        seen.add(store.runningCounts());
      }
    }
  }

  Member[] all() {
    return members.values().toArray(new Member[0]);
  }

  List<Job> jobs() {
    List<Job> all = new ArrayList<>();
    Page page = Page.first(500);
    while (page != null) {
      PageResult<Job> r = store.jobs(JobQuery.all(), page);
      all.addAll(r.items());
      page = r.nextPage();
    }
    all.sort(Comparator.comparingLong(Job::sequence));
    return all;
  }

  List<Job> jobs(String scheduleId) {
    return jobs().stream().filter(j -> scheduleId.equals(j.scheduleId())).toList();
  }

  List<Job> jobs(JobStatus status) {
    return jobs().stream().filter(j -> j.status() == status).toList();
  }

  Job job(String id) {
    return store.job(id).orElseThrow();
  }

  /** What a store wrapper does around one call. */
  interface Interceptor {
    /**
     * @param method the store method called
     * @param args its arguments
     * @param proceed calls the shared store
     * @return the result to return
     */
    Object around(Method method, Object[] args, Call proceed) throws Throwable;
  }

  /** The call to the shared store. */
  interface Call {
    Object proceed() throws Throwable;
  }

  /**
   * A view of a store whose calls go through {@code interceptor}: how a test injects a store
   * failure (a real in-memory store cannot fail) or runs another instance in the middle of a call.
   */
  static SchedulerStore intercepted(SchedulerStore target, Interceptor interceptor) {
    return (SchedulerStore)
        Proxy.newProxyInstance(
            SchedulerStore.class.getClassLoader(),
            new Class<?>[] {SchedulerStore.class},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                  case "equals" -> proxy == args[0];
                  case "hashCode" -> System.identityHashCode(proxy);
                  default -> "intercepted " + target;
                };
              }
              return interceptor.around(
                  method,
                  args,
                  () -> {
                    try {
                      return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                      throw e.getCause();
                    }
                  });
            });
  }
}
