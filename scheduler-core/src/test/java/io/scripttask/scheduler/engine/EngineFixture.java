package io.scripttask.scheduler.engine;

import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Notification;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.spi.Notifier;
import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.testkit.MutableClock;
import io.scripttask.scheduler.testkit.ScriptedTransport;
import io.scripttask.scheduler.testkit.VirtualTimeDriver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** A scheduler on virtual time with in-memory store and directory, for engine tests. */
final class EngineFixture {

  static final Instant T0 = Instant.parse("2030-01-07T00:00:00Z");
  static final String TRANSPORT = "scripted";

  final MutableClock clock = MutableClock.at(T0);
  final SchedulerStore store;
  final InMemoryNodeDirectory nodes;
  final ScriptedTransport transport = new ScriptedTransport(TRANSPORT, clock);
  final List<SchedulerEvent> events = Collections.synchronizedList(new ArrayList<>());
  final List<Notification> notifications = Collections.synchronizedList(new ArrayList<>());
  final Scheduler scheduler;
  final VirtualTimeDriver driver;

  EngineFixture() {
    this(new InMemorySchedulerStore(), new InMemoryNodeDirectory(), b -> {});
  }

  EngineFixture(Consumer<Scheduler.Builder> custom) {
    this(new InMemorySchedulerStore(), new InMemoryNodeDirectory(), custom);
  }

  EngineFixture(
      SchedulerStore store, InMemoryNodeDirectory nodes, Consumer<Scheduler.Builder> custom) {
    this.store = store;
    this.nodes = nodes;
    Notifier recording =
        new Notifier() {
          @Override
          public String channel() {
            return "ops";
          }

          @Override
          public CompletionStage<Void> send(Notification n) {
            notifications.add(n);
            return CompletableFuture.completedFuture(null);
          }
        };
    Scheduler.Builder b =
        Scheduler.builder()
            .clock(clock)
            .store(store)
            .nodes(nodes)
            .transport(transport)
            .notifier(recording)
            .eventExecutor(Runnable::run)
            .instanceId("test-instance")
            .listener(events::add);
    custom.accept(b);
    this.scheduler = b.build();
    this.driver = new VirtualTimeDriver(scheduler, clock, transport);
  }

  Node node(String id, String... groups) {
    Node n = Node.of(id, TRANSPORT).withGroups(Set.of(groups));
    nodes.put(n);
    return n;
  }

  Script script(String id) {
    Script s =
        Script.builder(id)
            .content("echo " + id)
            .defaultTimeout(java.time.Duration.ofHours(1))
            .build();
    scheduler.catalog().putScript(s);
    return s;
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

  Map<JobStatus, Long> counts() {
    return store.countByStatus();
  }

  <T extends SchedulerEvent> List<T> events(Class<T> type) {
    synchronized (events) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }
}
