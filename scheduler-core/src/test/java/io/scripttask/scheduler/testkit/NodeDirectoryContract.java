package io.scripttask.scheduler.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.NoSuchNodeException;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.spi.NodeDirectory;
import io.scripttask.scheduler.spi.NodeDirectory.Subscription;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link NodeDirectory} keeps. An adapter's test extends this class and
 * implements {@link #directoryWith(List)}; every test here then runs against the adapter.
 *
 * <p>Notifications may be synchronous or asynchronous: the tests wait for them (up to {@link
 * #notificationTimeoutMillis()}) without sleeping.
 */
@Timeout(30)
public abstract class NodeDirectoryContract {

  /** {@code web-1 (web; linux, prod)}, offline. */
  protected static final Node WEB_1 =
      node("web-1", Set.of("web"), Set.of("linux", "prod")).withOnline(false);

  /** {@code web-2 (web, edge; linux)}. */
  protected static final Node WEB_2 = node("web-2", Set.of("web", "edge"), Set.of("linux"));

  /** {@code db-1 (db; linux, prod)}, quarantined. */
  protected static final Node DB_1 =
      node("db-1", Set.of("db"), Set.of("linux", "prod")).withQuarantined(true);

  /** {@code db-2 (db; windows, prod)}. */
  protected static final Node DB_2 = node("db-2", Set.of("db"), Set.of("windows", "prod"));

  /** {@code lone (no group; no tag)}. */
  protected static final Node LONE = node("lone", Set.of(), Set.of());

  /** The fleet most tests use, deliberately not in id order. */
  protected static final List<Node> FLEET = List.of(WEB_2, DB_1, LONE, WEB_1, DB_2);

  /**
   * Creates a directory that knows exactly the given nodes, in their given state (online,
   * quarantined) and with no quarantine reasons recorded, and no listeners.
   *
   * @param nodes the nodes
   * @return the directory
   */
  protected abstract NodeDirectory directoryWith(List<Node> nodes);

  /**
   * @return how long to wait for an asynchronous notification; 5 s unless overridden
   */
  protected long notificationTimeoutMillis() {
    return 5_000;
  }

  /**
   * @param id the id
   * @param groups the groups
   * @param tags the tags
   * @return an online, unquarantined node with the transport {@code local}
   */
  protected static Node node(String id, Set<String> groups, Set<String> tags) {
    return new Node(id, id, groups, tags, Map.of(), "local", true, false);
  }

  private static List<String> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  @Test
  void listReturnsEveryNodeSortedById() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(ids(directory.list())).containsExactly("db-1", "db-2", "lone", "web-1", "web-2");
  }

  @Test
  void listedNodesKeepTheirState() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(directory.list()).containsExactly(DB_1, DB_2, LONE, WEB_1, WEB_2);
  }

  @Test
  void findReturnsTheNodeOrEmptyForAnUnknownId() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(directory.find("web-2")).contains(WEB_2);
    assertThat(directory.find("nope")).isEmpty();
  }

  @Test
  void resolvesNodesByIdInIdOrder() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(ids(directory.resolve(Target.nodes("web-2", "db-2", "lone"))))
        .containsExactly("db-2", "lone", "web-2");
  }

  @Test
  void resolvesEveryNodeOfAGroup() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(ids(directory.resolve(Target.groups("web")))).containsExactly("web-1", "web-2");
    assertThat(ids(directory.resolve(Target.groups("edge")))).containsExactly("web-2");
  }

  @Test
  void tagSelectorMatchesOnlyNodesWithAllItsTags() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(ids(directory.resolve(Target.tags("linux", "prod"))))
        .containsExactly("db-1", "web-1");
    assertThat(ids(directory.resolve(Target.tags("prod"))))
        .containsExactly("db-1", "db-2", "web-1");
  }

  @Test
  void separateTagSelectorsAreAUnion() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(ids(directory.resolve(Target.tags("windows").andTags("linux", "prod"))))
        .containsExactly("db-1", "db-2", "web-1");
  }

  @Test
  void resolvesTheUnionOfIdsGroupsAndTagsWithoutDuplicates() {
    NodeDirectory directory = directoryWith(FLEET);

    List<Node> resolved =
        directory.resolve(
            Target.groups("web").andNodes("web-1", "lone").andTags("linux").andGroups("edge"));

    assertThat(ids(resolved)).containsExactly("db-1", "lone", "web-1", "web-2");
  }

  @Test
  void ignoresUnknownIdsGroupsAndTagsWhenResolving() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(ids(directory.resolve(Target.nodes("nope", "db-2").andGroups("ghosts"))))
        .containsExactly("db-2");
    assertThat(directory.resolve(Target.tags("solaris"))).isEmpty();
  }

  @Test
  void resolveIncludesOfflineAndQuarantinedNodesWithTheirState() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(directory.resolve(Target.nodes("web-1", "db-1"))).containsExactly(DB_1, WEB_1);
  }

  @Test
  void resolvingAllReturnsEveryNode() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(directory.resolve(Target.all())).isEqualTo(directory.list());
  }

  @Test
  void resolvesTheSameWayEveryTime() {
    NodeDirectory directory = directoryWith(FLEET);
    Target target = Target.tags("prod").andGroups("edge");

    assertThat(directory.resolve(target)).isEqualTo(directory.resolve(target));
  }

  @Test
  void returnedListsAreImmutableSnapshots() {
    NodeDirectory directory = directoryWith(FLEET);
    List<Node> listed = directory.list();
    List<Node> resolved = directory.resolve(Target.groups("db"));

    assertThatThrownBy(() -> listed.add(LONE)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> resolved.clear()).isInstanceOf(UnsupportedOperationException.class);

    directory.quarantine("db-2", "snapshot check");
    assertThat(listed).contains(DB_2);
    assertThat(resolved).contains(DB_2);
  }

  @Test
  void anEmptyDirectoryResolvesNothing() {
    NodeDirectory directory = directoryWith(List.of());

    assertThat(directory.list()).isEmpty();
    assertThat(directory.resolve(Target.all())).isEmpty();
    assertThat(directory.find("web-1")).isEmpty();
  }

  @Test
  void quarantineMarksTheNodeAndRecordsTheReason() {
    NodeDirectory directory = directoryWith(FLEET);

    directory.quarantine("web-2", "disk full");

    assertThat(directory.find("web-2"))
        .hasValueSatisfying(n -> assertThat(n.quarantined()).isTrue());
    assertThat(directory.find("web-2")).contains(WEB_2.withQuarantined(true));
    assertThat(directory.quarantineReason("web-2")).contains("disk full");
    assertThat(directory.resolve(Target.nodes("web-2")).get(0).quarantined()).isTrue();
  }

  @Test
  void quarantiningAgainReplacesTheReason() {
    NodeDirectory directory = directoryWith(FLEET);

    directory.quarantine("web-2", "disk full");
    directory.quarantine("web-2", "still broken");

    assertThat(directory.quarantineReason("web-2")).contains("still broken");
    assertThat(directory.find("web-2")).contains(WEB_2.withQuarantined(true));
  }

  @Test
  void releaseClearsTheQuarantineAndItsReason() {
    NodeDirectory directory = directoryWith(FLEET);
    directory.quarantine("web-2", "disk full");

    directory.release("web-2");

    assertThat(directory.find("web-2")).contains(WEB_2);
    assertThat(directory.quarantineReason("web-2")).isEmpty();
  }

  @Test
  void releasesANodeThatArrivedQuarantined() {
    NodeDirectory directory = directoryWith(FLEET);

    directory.release("db-1");

    assertThat(directory.find("db-1")).contains(DB_1.withQuarantined(false));
  }

  @Test
  void quarantineReasonIsEmptyForUnquarantinedAndUnknownNodes() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThat(directory.quarantineReason("web-2")).isEmpty();
    assertThat(directory.quarantineReason("nope")).isEmpty();
  }

  @Test
  void quarantiningAnUnknownNodeThrowsNoSuchNode() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThatThrownBy(() -> directory.quarantine("nope", "why not"))
        .isInstanceOfSatisfying(
            NoSuchNodeException.class, e -> assertThat(e.nodeId()).isEqualTo("nope"))
        .hasMessageContaining("\"nope\"");
    assertThat(directory.list()).containsExactly(DB_1, DB_2, LONE, WEB_1, WEB_2);
  }

  @Test
  void releasingAnUnknownNodeThrowsNoSuchNode() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThatThrownBy(() -> directory.release("nope"))
        .isInstanceOfSatisfying(
            NoSuchNodeException.class, e -> assertThat(e.nodeId()).isEqualTo("nope"));
  }

  @Test
  void aBlankQuarantineReasonIsRejected() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThatThrownBy(() -> directory.quarantine("web-2", " "))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("reason must not be blank");
    assertThat(directory.find("web-2")).contains(WEB_2);
  }

  @Test
  void nullArgumentsAreRejected() {
    NodeDirectory directory = directoryWith(FLEET);

    assertThatThrownBy(() -> directory.resolve(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> directory.find(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> directory.quarantine(null, "r"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> directory.quarantine("web-2", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> directory.release(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> directory.quarantineReason(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> directory.subscribe(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void quarantineNotifiesListenersWithTheNodeBeforeAndAfter() throws InterruptedException {
    NodeDirectory directory = directoryWith(FLEET);
    Recorder recorder = new Recorder();
    directory.subscribe(recorder);

    directory.quarantine("web-2", "disk full");

    assertThat(recorder.next()).isEqualTo(new Change(WEB_2, WEB_2.withQuarantined(true)));
  }

  @Test
  void releaseNotifiesListeners() throws InterruptedException {
    NodeDirectory directory = directoryWith(FLEET);
    Recorder recorder = new Recorder();
    directory.subscribe(recorder);

    directory.release("db-1");

    assertThat(recorder.next()).isEqualTo(new Change(DB_1, DB_1.withQuarantined(false)));
  }

  @Test
  void changesThatChangeNoNodeNotifyNobody() throws InterruptedException {
    NodeDirectory directory = directoryWith(FLEET);
    Recorder recorder = new Recorder();
    directory.subscribe(recorder);

    directory.release("web-2"); // not quarantined
    directory.quarantine("db-1", "again"); // already quarantined
    directory.quarantine("lone", "marker");

    // changes reach a listener in order, so a spurious one would come first
    assertThat(recorder.next()).isEqualTo(new Change(LONE, LONE.withQuarantined(true)));
  }

  @Test
  void listenersHearChangesInTheOrderTheyHappened() throws InterruptedException {
    NodeDirectory directory = directoryWith(FLEET);
    Recorder recorder = new Recorder();
    directory.subscribe(recorder);

    directory.quarantine("web-2", "one");
    directory.quarantine("db-2", "two");
    directory.release("web-2");

    assertThat(recorder.next()).isEqualTo(new Change(WEB_2, WEB_2.withQuarantined(true)));
    assertThat(recorder.next()).isEqualTo(new Change(DB_2, DB_2.withQuarantined(true)));
    assertThat(recorder.next()).isEqualTo(new Change(WEB_2.withQuarantined(true), WEB_2));
  }

  @Test
  void everyListenerHearsEveryChange() throws InterruptedException {
    NodeDirectory directory = directoryWith(FLEET);
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    directory.subscribe(first);
    directory.subscribe(second);

    directory.quarantine("lone", "both hear it");

    Change expected = new Change(LONE, LONE.withQuarantined(true));
    assertThat(first.next()).isEqualTo(expected);
    assertThat(second.next()).isEqualTo(expected);
  }

  @Test
  void aThrowingListenerDoesNotStopTheOthersNorItsOwnLaterChanges() throws InterruptedException {
    NodeDirectory directory = directoryWith(FLEET);
    Recorder before = new Recorder();
    Recorder thrower = new Recorder();
    Recorder after = new Recorder();
    directory.subscribe(before);
    directory.subscribe(
        (b, a) -> {
          thrower.onNodeChanged(b, a);
          throw new IllegalStateException("listener bug (expected by the test)");
        });
    directory.subscribe(after);

    directory.quarantine("lone", "first");
    directory.release("lone");

    Change quarantined = new Change(LONE, LONE.withQuarantined(true));
    Change released = new Change(LONE.withQuarantined(true), LONE);
    assertThat(before.next()).isEqualTo(quarantined);
    assertThat(before.next()).isEqualTo(released);
    assertThat(after.next()).isEqualTo(quarantined);
    assertThat(after.next()).isEqualTo(released);
    assertThat(thrower.next()).isEqualTo(quarantined);
    assertThat(thrower.next()).isEqualTo(released);
    assertThat(directory.find("lone")).contains(LONE);
  }

  @Test
  void aClosedSubscriptionHearsNothingMore() throws InterruptedException {
    NodeDirectory directory = directoryWith(FLEET);
    Recorder closed = new Recorder();
    Recorder open = new Recorder();
    Subscription subscription = directory.subscribe(closed);
    directory.subscribe(open);

    directory.quarantine("lone", "heard by both");
    assertThat(closed.next()).isEqualTo(new Change(LONE, LONE.withQuarantined(true)));
    subscription.close();
    subscription.close(); // idempotent
    directory.release("lone");

    assertThat(open.next()).isEqualTo(new Change(LONE, LONE.withQuarantined(true)));
    assertThat(open.next()).isEqualTo(new Change(LONE.withQuarantined(true), LONE));
    assertThat(closed.changes).isEmpty();
  }

  @Test
  void aSubscriptionWorksWithTryWithResources() throws Exception {
    NodeDirectory directory = directoryWith(FLEET);
    Recorder recorder = new Recorder();

    try (AutoCloseable subscription = directory.subscribe(recorder)) {
      directory.quarantine("lone", "inside");
      assertThat(recorder.next()).isEqualTo(new Change(LONE, LONE.withQuarantined(true)));
    }
    Recorder witness = new Recorder();
    directory.subscribe(witness);
    directory.release("lone");

    assertThat(witness.next()).isEqualTo(new Change(LONE.withQuarantined(true), LONE));
    assertThat(recorder.changes).isEmpty();
  }

  /** A node change as a listener heard it. */
  public record Change(Node before, Node after) {}

  /** A listener that records changes and hands them to the test in order. */
  public final class Recorder implements NodeDirectory.Listener {
    /** The changes heard and not yet taken by {@link #next()}. */
    public final BlockingQueue<Change> changes = new LinkedBlockingQueue<>();

    @Override
    public void onNodeChanged(Node before, Node after) {
      changes.add(new Change(before, after));
    }

    /**
     * @return the next change heard, waiting up to {@link #notificationTimeoutMillis()}
     * @throws InterruptedException if interrupted while waiting
     * @throws AssertionError if no change arrives in time
     */
    public Change next() throws InterruptedException {
      Change change = changes.poll(notificationTimeoutMillis(), TimeUnit.MILLISECONDS);
      if (change == null) {
        throw new AssertionError(
            "no node change was notified within " + notificationTimeoutMillis() + " ms");
      }
      return change;
    }
  }
}
