package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.spi.NodeDirectory;
import io.scripttask.scheduler.testkit.NodeDirectoryContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InMemoryNodeDirectoryTest extends NodeDirectoryContract {

  @Override
  protected NodeDirectory directoryWith(List<Node> nodes) {
    return InMemoryNodeDirectory.of(nodes);
  }

  /** The whole contract again, with notifications on an executor. */
  @Nested
  class WithAnExecutor extends NodeDirectoryContract {
    final ExecutorService executor = Executors.newFixedThreadPool(4);

    @AfterEach
    void shutDown() throws InterruptedException {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    protected NodeDirectory directoryWith(List<Node> nodes) {
      InMemoryNodeDirectory directory = new InMemoryNodeDirectory(executor);
      nodes.forEach(directory::put);
      return directory;
    }

    @Test
    void notifiesOnTheExecutorNotTheChangingThread() throws InterruptedException {
      InMemoryNodeDirectory directory = (InMemoryNodeDirectory) directoryWith(FLEET);
      AtomicReference<Thread> notifiedOn = new AtomicReference<>();
      CountDownLatch notified = new CountDownLatch(1);
      directory.subscribe(
          (before, after) -> {
            notifiedOn.set(Thread.currentThread());
            notified.countDown();
          });

      directory.setOnline("web-1", true);

      assertThat(notified.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(notifiedOn.get()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void aSlowListenerDoesNotDelayTheChangingThreadOrOtherListeners() throws InterruptedException {
      InMemoryNodeDirectory directory = (InMemoryNodeDirectory) directoryWith(FLEET);
      CountDownLatch release = new CountDownLatch(1);
      directory.subscribe(
          (before, after) -> {
            try {
              release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      Recorder fast = new Recorder();
      directory.subscribe(fast);

      directory.setOnline("web-1", true); // returns although the slow listener blocks

      assertThat(fast.next()).isEqualTo(new Change(WEB_1, WEB_1.withOnline(true)));
      release.countDown();
    }

    @Test
    void eachListenerHearsConcurrentChangesInTheOrderTheyWereMade() throws Exception {
      InMemoryNodeDirectory directory = (InMemoryNodeDirectory) directoryWith(List.of(LONE));
      List<Boolean> heard = new CopyOnWriteArrayList<>();
      CountDownLatch all = new CountDownLatch(200);
      directory.subscribe(
          (before, after) -> {
            assertThat(before.online()).isNotEqualTo(after.online());
            heard.add(after.online());
            all.countDown();
          });

      for (int i = 0; i < 200; i++) {
        directory.setOnline("lone", i % 2 == 1);
      }

      assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
      List<Boolean> expected = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        expected.add(i % 2 == 1);
      }
      assertThat(heard).isEqualTo(expected);
    }

    @Test
    void dropsNotificationsOnceTheExecutorIsShutDown() {
      ExecutorService own = Executors.newSingleThreadExecutor();
      own.shutdown();
      InMemoryNodeDirectory directory = new InMemoryNodeDirectory(own);
      directory.put(LONE);
      List<Change> heard = new ArrayList<>();
      directory.subscribe((before, after) -> heard.add(new Change(before, after)));

      directory.quarantine("lone", "executor gone"); // does not throw

      assertThat(directory.find("lone")).contains(LONE.withQuarantined(true));
      assertThat(heard).isEmpty();
    }
  }

  @Test
  void resolveFollowsGroupChangesRemovalsAndStateChangesInIdOrder() {
    InMemoryNodeDirectory directory = new InMemoryNodeDirectory();
    directory.put(Node.of("b", "ssh").withGroups(Set.of("web")));
    directory.put(Node.of("a", "ssh").withGroups(Set.of("web", "db")));
    directory.put(Node.of("c", "ssh").withGroups(Set.of("db")).withTags(Set.of("linux")));
    Target web = Target.groups("web");
    assertThat(directory.resolve(web)).extracting(Node::id).containsExactly("a", "b");

    directory.put(Node.of("b", "ssh").withGroups(Set.of("db")));
    directory.setOnline("a", false);
    directory.quarantine("a", "disk");
    assertThat(directory.resolve(web)).extracting(Node::id).containsExactly("a");
    assertThat(directory.resolve(web).get(0).online()).isFalse();
    assertThat(directory.resolve(Target.groups("db")))
        .extracting(Node::id)
        .containsExactly("a", "b", "c");

    directory.remove("a");
    assertThat(directory.resolve(web)).isEmpty();
    assertThat(directory.resolve(Target.nodes("a"))).isEmpty();
    assertThat(directory.resolve(Target.nodes("c").andGroups("db").andTags("linux")))
        .extracting(Node::id)
        .containsExactly("b", "c");
  }

  @Test
  void notifiesSynchronouslyOnTheChangingThread() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(LONE);
    List<Thread> threads = new ArrayList<>();
    directory.subscribe((before, after) -> threads.add(Thread.currentThread()));

    directory.quarantine("lone", "sync");

    assertThat(threads).containsExactly(Thread.currentThread());
  }

  @Test
  void putAddsANodeAndNotifiesWithNoBefore() {
    InMemoryNodeDirectory directory = new InMemoryNodeDirectory();
    List<Change> heard = new ArrayList<>();
    directory.subscribe((before, after) -> heard.add(new Change(before, after)));

    assertThat(directory.put(WEB_2)).isEmpty();

    assertThat(directory.list()).containsExactly(WEB_2);
    assertThat(heard).containsExactly(new Change(null, WEB_2));
  }

  @Test
  void putReplacesANodeWithTheSameIdAndNotifiesOnlyIfItChanged() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(WEB_2);
    List<Change> heard = new ArrayList<>();
    directory.subscribe((before, after) -> heard.add(new Change(before, after)));
    Node moved = WEB_2.withGroups(Set.of("db"));

    assertThat(directory.put(WEB_2)).contains(WEB_2);
    assertThat(directory.put(moved)).contains(WEB_2);

    assertThat(directory.resolve(Target.groups("db"))).containsExactly(moved);
    assertThat(directory.resolve(Target.groups("web"))).isEmpty();
    assertThat(heard).containsExactly(new Change(WEB_2, moved));
  }

  @Test
  void putKeepsTheReasonOfANodeThatStaysQuarantined() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(WEB_2);
    directory.quarantine("web-2", "disk full");

    directory.put(WEB_2.withTags(Set.of("linux", "ssd")).withQuarantined(true));
    assertThat(directory.quarantineReason("web-2")).contains("disk full");

    directory.put(WEB_2);
    assertThat(directory.quarantineReason("web-2")).isEmpty();
    assertThat(directory.find("web-2")).contains(WEB_2);
  }

  @Test
  void aNodePutQuarantinedHasNoKnownReason() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(DB_1);

    assertThat(directory.find("db-1"))
        .hasValueSatisfying(n -> assertThat(n.quarantined()).isTrue());
    assertThat(directory.quarantineReason("db-1")).isEmpty();
  }

  @Test
  void removeDropsTheNodeAndNotifiesWithNoAfter() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(WEB_2, LONE);
    directory.quarantine("web-2", "doomed");
    List<Change> heard = new ArrayList<>();
    directory.subscribe((before, after) -> heard.add(new Change(before, after)));

    assertThat(directory.remove("web-2")).isEqualTo(WEB_2.withQuarantined(true));

    assertThat(directory.list()).containsExactly(LONE);
    assertThat(directory.find("web-2")).isEmpty();
    assertThat(directory.quarantineReason("web-2")).isEmpty();
    assertThat(heard).containsExactly(new Change(WEB_2.withQuarantined(true), null));
  }

  @Test
  void removingAnUnknownNodeThrowsNoSuchNode() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(LONE);

    assertThatThrownBy(() -> directory.remove("nope"))
        .isInstanceOfSatisfying(
            NoSuchNodeException.class, e -> assertThat(e.nodeId()).isEqualTo("nope"))
        .isInstanceOf(SchedulerException.class)
        .hasMessage("nodeId must name a node known to the directory, but was \"nope\"");
  }

  @Test
  void setOnlineChangesTheStateAndNotifiesOnlyOnAChange() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(WEB_1);
    List<Change> heard = new ArrayList<>();
    directory.subscribe((before, after) -> heard.add(new Change(before, after)));

    assertThat(directory.setOnline("web-1", false)).isEqualTo(WEB_1);
    assertThat(directory.setOnline("web-1", true)).isEqualTo(WEB_1.withOnline(true));
    assertThat(directory.setOnline("web-1", false)).isEqualTo(WEB_1);

    assertThat(heard)
        .containsExactly(
            new Change(WEB_1, WEB_1.withOnline(true)), new Change(WEB_1.withOnline(true), WEB_1));
  }

  @Test
  void setOnlineOfAnUnknownNodeThrowsNoSuchNode() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(LONE);

    assertThatThrownBy(() -> directory.setOnline("nope", true))
        .isInstanceOf(NoSuchNodeException.class);
  }

  @Test
  void onlineStateAndQuarantineAreIndependent() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(LONE);

    directory.quarantine("lone", "bad");
    directory.setOnline("lone", false);
    directory.release("lone");

    assertThat(directory.find("lone")).contains(LONE.withOnline(false));
  }

  @Test
  void ofRejectsTwoNodesWithOneId() {
    assertThatThrownBy(() -> InMemoryNodeDirectory.of(LONE, LONE.withOnline(false)))
        .isInstanceOf(ValidationException.class)
        .hasMessage("nodes must have unique ids, but was \"lone\" twice");
  }

  @Test
  void aListenerThatChangesTheDirectoryStillHearsChangesInOrder() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(WEB_2, LONE);
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    directory.subscribe(
        (before, after) -> {
          first.add(after.id() + (after.quarantined() ? "+q" : "-q"));
          if (after.id().equals("web-2")) {
            directory.quarantine("lone", "follows web-2"); // reentrant change
          }
        });
    directory.subscribe(
        (before, after) -> second.add(after.id() + (after.quarantined() ? "+q" : "-q")));

    directory.quarantine("web-2", "root cause");

    assertThat(first).containsExactly("web-2+q", "lone+q");
    assertThat(second).containsExactly("web-2+q", "lone+q");
  }

  @Test
  void concurrentChangesFromManyThreadsAllLandAndAreAllHeard() throws Exception {
    List<Node> fleet = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      fleet.add(Node.of(String.format("n-%02d", i), "local"));
    }
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(fleet);
    List<Change> heard = new CopyOnWriteArrayList<>();
    directory.subscribe((before, after) -> heard.add(new Change(before, after)));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (Node node : fleet) {
        futures.add(pool.submit(() -> directory.quarantine(node.id(), "mass")));
        futures.add(pool.submit(() -> directory.setOnline(node.id(), false)));
      }
      for (java.util.concurrent.Future<?> f : futures) {
        f.get(5, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(directory.list()).allMatch(n -> n.quarantined() && !n.online()).hasSize(50);
    assertThat(heard).hasSize(100);
    assertThat(directory.resolve(Target.all())).hasSize(50);
  }

  @Test
  void toStringCountsNodesAndListeners() {
    InMemoryNodeDirectory directory = InMemoryNodeDirectory.of(LONE, WEB_2);
    directory.subscribe((before, after) -> {});

    assertThat(directory).hasToString("InMemoryNodeDirectory[2 nodes, 1 listeners]");
  }
}
