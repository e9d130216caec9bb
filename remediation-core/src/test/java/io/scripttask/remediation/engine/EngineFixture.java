package io.scripttask.remediation.engine;

import io.scripttask.remediation.InMemoryRemediationStore;
import io.scripttask.remediation.RemediationEngine;
import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.remediation.spi.RemediationStore;
import io.scripttask.remediation.testkit.RemediationDriver;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Notification;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.spi.Notifier;
import io.scripttask.scheduler.testkit.MutableClock;
import io.scripttask.scheduler.testkit.ScriptedTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A remediation engine under virtual time: a {@link MutableClock}, a {@link ScriptedTransport}
 * named {@code scripted}, an {@link InMemoryNodeDirectory} with nodes {@code web-1}, {@code web-2},
 * {@code web-3} and {@code db-1} (group {@code web} / {@code db}), recording notifiers on the
 * channels {@code slack}, {@code teams}, {@code email}, {@code pager} and {@code oncall}, a script
 * library, and a listener recording every event (delivered synchronously).
 */
final class EngineFixture {
  static final Instant T0 = Instant.parse("2025-03-03T08:00:00Z");

  /** A notifier that records what it is asked to send. */
  static final class RecordingNotifier implements Notifier {
    private final String channel;
    private final List<Notification> sent = new ArrayList<>();
    private final List<Instant> at = new ArrayList<>();
    private final MutableClock clock;
    private boolean failing;

    RecordingNotifier(String channel, MutableClock clock) {
      this.channel = channel;
      this.clock = clock;
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public synchronized CompletionStage<Void> send(Notification n) {
      sent.add(n);
      at.add(clock.instant());
      return failing
          ? CompletableFuture.failedFuture(new IllegalStateException("HTTP 500"))
          : CompletableFuture.completedFuture(null);
    }

    synchronized List<Notification> sent() {
      return List.copyOf(sent);
    }

    synchronized List<Instant> sentAt() {
      return List.copyOf(at);
    }

    synchronized void failing(boolean failing) {
      this.failing = failing;
    }
  }

  final MutableClock clock;
  final ScriptedTransport transport;
  final InMemoryNodeDirectory nodes;
  final Map<String, RecordingNotifier> notifiers;
  final Map<String, Script> library;
  final List<RemediationEvent> events;
  RemediationStore store;
  RemediationEngine engine;
  RemediationDriver driver;

  EngineFixture() {
    clock = MutableClock.at(T0);
    transport = new ScriptedTransport("scripted", clock);
    nodes =
        InMemoryNodeDirectory.of(
            Node.of("web-1", "scripted").withGroups(java.util.Set.of("web")),
            Node.of("web-2", "scripted").withGroups(java.util.Set.of("web")),
            Node.of("web-3", "scripted").withGroups(java.util.Set.of("web")),
            Node.of("db-1", "scripted").withGroups(java.util.Set.of("db")));
    notifiers = new HashMap<>();
    library = new HashMap<>();
    events = new ArrayList<>();
    store = new InMemoryRemediationStore();
    for (String c : List.of("slack", "teams", "email", "pager", "oncall")) {
      notifiers.put(c, new RecordingNotifier(c, clock));
    }
  }

  private EngineFixture(EngineFixture other) {
    clock = other.clock;
    transport = other.transport;
    nodes = other.nodes;
    notifiers = other.notifiers;
    library = other.library;
    events = other.events;
    store = other.store;
  }

  /**
   * Another engine on the same store, clock, transport, nodes, notifiers and event list: a restart
   * (same instance id) or a cluster peer (another id).
   */
  EngineFixture sibling(String instanceId) {
    return new EngineFixture(this).build(instanceId, b -> {});
  }

  /** Adds a library script that runs {@code echo <id>}. */
  EngineFixture script(String... ids) {
    for (String id : ids) {
      library.put(id, Script.builder(id).content("echo " + id).build());
    }
    return this;
  }

  EngineFixture build() {
    return build("engine-a", b -> {});
  }

  EngineFixture build(String instanceId, Consumer<RemediationEngine.Builder> custom) {
    RemediationEngine.Builder b =
        RemediationEngine.builder()
            .clock(clock)
            .store(store)
            .nodes(nodes)
            .transport(transport)
            .notifier(notifiers.values().toArray(new Notifier[0]))
            .scripts(id -> Optional.ofNullable(library.get(id)))
            .instanceId(instanceId)
            .eventExecutor(Runnable::run)
            .listener(events::add);
    custom.accept(b);
    engine = b.build();
    driver = new RemediationDriver(engine, clock, transport);
    return this;
  }

  WorkflowExecution start(Workflow w, String nodeId, Map<String, ?> data) {
    engine.register(w, "alice");
    return engine.startExecution(w.id(), nodeId, data, "alice");
  }

  WorkflowExecution run(Workflow w, String nodeId) {
    return run(w, nodeId, Map.of());
  }

  WorkflowExecution run(Workflow w, String nodeId, Map<String, ?> data) {
    WorkflowExecution e = start(w, nodeId, data);
    return driver.runUntilDone(e.id(), Duration.ofDays(2));
  }

  List<StepAttempt> attempts(String executionId) {
    return engine.attempts(executionId);
  }

  List<String> stepsRun(String executionId, StepAttempt.Kind kind) {
    return attempts(executionId).stream()
        .filter(a -> a.kind() == kind)
        .map(a -> a.stepId() + ":" + a.status())
        .toList();
  }

  /** The scripts the transport was asked to run, in order. */
  List<String> scriptsRun() {
    return transport.runs().stream().map(r -> r.request().script().id()).toList();
  }

  <E extends RemediationEvent> List<E> events(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  RecordingNotifier notifier(String channel) {
    return notifiers.get(channel);
  }
}
