package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.NoSuchNodeException;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.ValidationException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The nodes scripts can run on, as some source of truth knows them: an in-memory list, a database
 * table, a MeshCentral server that reports its agents over a WebSocket. The engine resolves each
 * schedule's {@link Target} through it at fire time, reads nodes' online and quarantine state
 * before dispatching, quarantines nodes when a remediation workflow says so, and {@linkplain
 * #subscribe subscribes} to hear when a node comes online, goes offline, is quarantined or
 * released.
 *
 * <p>The directory owns the quarantine state: {@link Node#quarantined()} of the nodes it returns
 * reflects {@link #quarantine} and {@link #release}.
 *
 * <p>Implementations must be thread-safe. Every list they return is an immutable snapshot sorted by
 * {@link Node#id()}, so that runs are planned in the same order every time. The contract suite
 * {@code io.scripttask.scheduler.testkit.NodeDirectoryContract} in scheduler-core's {@code tests}
 * jar checks an implementation; every adapter's test extends it.
 */
public interface NodeDirectory {

  /**
   * The nodes a target matches, in {@link Node#id()} order, each once. Ids and groups that no node
   * has are ignored. Offline and quarantined nodes are included (with their state): the engine
   * decides what to do with them.
   *
   * <p>The default implementation filters {@link #list()} with {@link Target#matches(Node)}; a
   * directory backed by a database may override it with a query, returning the same nodes.
   *
   * @param target the target
   * @return the matching nodes, sorted by id
   * @throws NullPointerException if {@code target} is null
   */
  default List<Node> resolve(Target target) {
    Objects.requireNonNull(target, "target");
    return list().stream().filter(target::matches).sorted(Comparator.comparing(Node::id)).toList();
  }

  /**
   * @param nodeId a node id
   * @return the node with that id, or empty if the directory does not know it
   * @throws NullPointerException if {@code nodeId} is null
   */
  Optional<Node> find(String nodeId);

  /**
   * @return every node the directory knows, sorted by id
   */
  List<Node> list();

  /**
   * Quarantines a node: the engine dispatches nothing to it until it is {@linkplain #release
   * released}. Quarantining a quarantined node replaces the recorded reason and notifies nobody
   * (the node itself does not change).
   *
   * @param nodeId the node's id
   * @param reason why, for operators (recorded; see {@link #quarantineReason(String)})
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code reason} is blank
   * @throws NoSuchNodeException if the directory does not know the node
   */
  void quarantine(String nodeId, String reason);

  /**
   * Releases a node from quarantine. Releasing a node that is not quarantined does nothing and
   * notifies nobody.
   *
   * @param nodeId the node's id
   * @throws NullPointerException if {@code nodeId} is null
   * @throws NoSuchNodeException if the directory does not know the node
   */
  void release(String nodeId);

  /**
   * @param nodeId a node id
   * @return the reason given when the node was quarantined; empty if the node is not quarantined,
   *     if the directory does not know it, or if it arrived quarantined with no reason known
   * @throws NullPointerException if {@code nodeId} is null
   */
  Optional<String> quarantineReason(String nodeId);

  /**
   * Subscribes to changes of nodes: a node added, removed, coming online, going offline, changing
   * groups or tags, quarantined or released. Only changes made after this call are reported; call
   * {@link #list()} for the current state.
   *
   * <p>Each listener receives the changes in the order they happened, one at a time (never
   * concurrently with itself). Whether it is called on the thread that made the change or on
   * another one is the implementation's choice and must be documented. A listener that throws does
   * not stop the other listeners, nor later changes reaching itself.
   *
   * @param listener the listener
   * @return a handle whose {@link Subscription#close()} stops further notifications
   * @throws NullPointerException if {@code listener} is null
   */
  Subscription subscribe(Listener listener);

  /** Hears about changes of the nodes in a {@link NodeDirectory}. */
  @FunctionalInterface
  interface Listener {

    /**
     * Called after a node changed. {@code before} and {@code after} are never both null and never
     * equal.
     *
     * @param before the node as it was, or {@code null} if it has just been added
     * @param after the node as it is now, or {@code null} if it has just been removed
     */
    void onNodeChanged(Node before, Node after);
  }

  /** A listener's registration; closing it stops notifications. */
  interface Subscription extends AutoCloseable {

    /**
     * Stops notifications to the listener: no change made after this method returns reaches it (a
     * notification being delivered concurrently may still complete). Idempotent.
     */
    @Override
    void close();
  }
}
