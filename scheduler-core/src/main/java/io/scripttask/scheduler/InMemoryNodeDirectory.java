package io.scripttask.scheduler;

import io.scripttask.scheduler.spi.NodeDirectory;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link NodeDirectory} that holds its nodes in memory: the default for tests, demos and hosts
 * that keep their own inventory and push it in with {@link #put(Node)}, {@link #remove(String)} and
 * {@link #setOnline(String, boolean)}.
 *
 * <p>Thread-safe. Listeners hear every change in the order the changes happened, one at a time:
 *
 * <ul>
 *   <li>Built with {@link #InMemoryNodeDirectory()}, the directory notifies <em>synchronously</em>:
 *       the thread that makes a change calls the listeners before the changing method returns,
 *       unless a notification to that listener is already under way (on another thread, or because
 *       a listener changed the directory from its callback); then the change is queued and
 *       delivered, in order, by the thread already notifying that listener.
 *   <li>Built with {@link #InMemoryNodeDirectory(Executor)}, each listener is notified on the
 *       executor, still in order and never concurrently with itself, so a slow listener delays
 *       neither the changing thread nor the other listeners. If the executor rejects a task (it was
 *       shut down), the queued changes for that listener are dropped and a warning is logged.
 * </ul>
 *
 * <p>A listener that throws is logged (through {@link System.Logger}) and skipped: the other
 * listeners, and later changes to the same listener, are unaffected.
 *
 * <p>Quarantine: {@link #quarantine} and {@link #release} set the stored node's {@link
 * Node#quarantined()} flag. {@link #put(Node)} stores the node exactly as given, quarantine flag
 * included; a node put quarantined has no {@linkplain #quarantineReason known reason} unless it
 * replaces a node that was already quarantined, whose reason is kept.
 */
public final class InMemoryNodeDirectory implements NodeDirectory {

  private static final System.Logger LOG = System.getLogger(InMemoryNodeDirectory.class.getName());

  private final Object lock = new Object();
  private final TreeMap<String, Node> nodes = new TreeMap<>();

  /** Group id to the ids of the nodes in it, for {@link #resolve}. */
  private final HashMap<String, TreeSet<String>> byGroup = new HashMap<>();

  private final Map<String, String> reasons = new HashMap<>();
  private final CopyOnWriteArrayList<Registration> registrations = new CopyOnWriteArrayList<>();
  private final Executor executor;

  /** An empty directory that notifies listeners synchronously. */
  public InMemoryNodeDirectory() {
    this.executor = null;
  }

  /**
   * An empty directory that notifies listeners on an executor.
   *
   * @param executor runs the notifications
   * @throws NullPointerException if {@code executor} is null
   */
  public InMemoryNodeDirectory(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * A directory holding the given nodes, notifying listeners synchronously.
   *
   * @param nodes the nodes
   * @return the directory
   * @throws NullPointerException if the collection or a node is null
   * @throws ValidationException if two nodes share an id
   */
  public static InMemoryNodeDirectory of(Collection<Node> nodes) {
    Objects.requireNonNull(nodes, "nodes");
    InMemoryNodeDirectory directory = new InMemoryNodeDirectory();
    for (Node node : nodes) {
      Objects.requireNonNull(node, "node");
      if (directory.nodes.containsKey(node.id())) {
        throw new ValidationException("nodes", "have unique ids", "\"" + node.id() + "\" twice");
      }
      directory.put(node);
    }
    return directory;
  }

  /**
   * A directory holding the given nodes, notifying listeners synchronously.
   *
   * @param nodes the nodes
   * @return the directory
   * @throws NullPointerException if a node is null
   * @throws ValidationException if two nodes share an id
   */
  public static InMemoryNodeDirectory of(Node... nodes) {
    return of(List.of(Objects.requireNonNull(nodes, "nodes")));
  }

  /**
   * Adds a node, or replaces the node with the same id. Listeners are notified unless the node is
   * equal to the one it replaces.
   *
   * @param node the node, stored as given (quarantine flag included)
   * @return the node it replaced, or empty if its id was new
   * @throws NullPointerException if {@code node} is null
   */
  public Optional<Node> put(Node node) {
    Objects.requireNonNull(node, "node");
    Node before;
    List<Registration> notify;
    synchronized (lock) {
      before = putNode(node);
      boolean stillQuarantined = node.quarantined() && before != null && before.quarantined();
      if (!stillQuarantined) {
        reasons.remove(node.id());
      }
      notify = changed(before, node);
    }
    dispatch(notify);
    return Optional.ofNullable(before);
  }

  /**
   * Removes a node; listeners hear it with a {@code null} {@code after}.
   *
   * @param nodeId the node's id
   * @return the removed node
   * @throws NullPointerException if {@code nodeId} is null
   * @throws NoSuchNodeException if no node has that id
   */
  public Node remove(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    Node before;
    List<Registration> notify;
    synchronized (lock) {
      before = nodes.remove(nodeId);
      if (before == null) {
        throw new NoSuchNodeException(nodeId);
      }
      ungroup(before);
      reasons.remove(nodeId);
      notify = changed(before, null);
    }
    dispatch(notify);
    return before;
  }

  /**
   * Marks a node online or offline. Listeners are notified if the state changed.
   *
   * @param nodeId the node's id
   * @param online whether the node is reachable
   * @return the node as it is now
   * @throws NullPointerException if {@code nodeId} is null
   * @throws NoSuchNodeException if no node has that id
   */
  public Node setOnline(String nodeId, boolean online) {
    Objects.requireNonNull(nodeId, "nodeId");
    Node after;
    List<Registration> notify;
    synchronized (lock) {
      Node before = existing(nodeId);
      after = before.withOnline(online);
      putNode(after);
      notify = changed(before, after);
    }
    dispatch(notify);
    return after;
  }

  @Override
  public List<Node> resolve(Target target) {
    Objects.requireNonNull(target, "target");
    synchronized (lock) {
      if (target.allNodes()) {
        return List.copyOf(nodes.values());
      }
      if (target.groupIds().isEmpty()
          && target.tagSelectors().isEmpty()
          && target.nodeIds().size() == 1) {
        Node node = nodes.get(target.nodeIds().iterator().next());
        return node == null ? List.of() : List.of(node);
      }
      // ids and groups by lookup; tag selectors by a scan (their nodes are not indexed)
      TreeMap<String, Node> matched = new TreeMap<>();
      for (String id : target.nodeIds()) {
        Node node = nodes.get(id);
        if (node != null) {
          matched.put(id, node);
        }
      }
      for (String group : target.groupIds()) {
        TreeSet<String> ids = byGroup.get(group);
        if (ids != null) {
          for (String id : ids) {
            matched.put(id, nodes.get(id));
          }
        }
      }
      if (!target.tagSelectors().isEmpty()) {
        for (Node node : nodes.values()) {
          if (!matched.containsKey(node.id()) && target.matches(node)) {
            matched.put(node.id(), node);
          }
        }
      }
      return List.copyOf(matched.values());
    }
  }

  /** Stores a node, keeping the group index up to date; returns the node it replaced. */
  private Node putNode(Node node) {
    Node before = nodes.put(node.id(), node);
    if (before == null || !before.groups().equals(node.groups())) {
      if (before != null) {
        ungroup(before);
      }
      for (String group : node.groups()) {
        byGroup.computeIfAbsent(group, g -> new TreeSet<>()).add(node.id());
      }
    }
    return before;
  }

  private void ungroup(Node node) {
    for (String group : node.groups()) {
      TreeSet<String> ids = byGroup.get(group);
      if (ids != null && ids.remove(node.id()) && ids.isEmpty()) {
        byGroup.remove(group);
      }
    }
  }

  @Override
  public Optional<Node> find(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    synchronized (lock) {
      return Optional.ofNullable(nodes.get(nodeId));
    }
  }

  @Override
  public List<Node> list() {
    synchronized (lock) {
      return List.copyOf(nodes.values());
    }
  }

  @Override
  public void quarantine(String nodeId, String reason) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new ValidationException("reason", "not be blank", "\"" + reason + "\"");
    }
    List<Registration> notify;
    synchronized (lock) {
      Node before = existing(nodeId);
      Node after = before.withQuarantined(true);
      putNode(after);
      reasons.put(nodeId, reason);
      notify = changed(before, after);
    }
    dispatch(notify);
  }

  @Override
  public void release(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    List<Registration> notify;
    synchronized (lock) {
      Node before = existing(nodeId);
      Node after = before.withQuarantined(false);
      putNode(after);
      reasons.remove(nodeId);
      notify = changed(before, after);
    }
    dispatch(notify);
  }

  @Override
  public Optional<String> quarantineReason(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    synchronized (lock) {
      return Optional.ofNullable(reasons.get(nodeId));
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Notified synchronously or on this directory's executor, as described in the class comment.
   */
  @Override
  public Subscription subscribe(Listener listener) {
    Registration registration = new Registration(Objects.requireNonNull(listener, "listener"));
    synchronized (lock) {
      registrations.add(registration);
    }
    return registration;
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "InMemoryNodeDirectory["
          + nodes.size()
          + " nodes, "
          + registrations.size()
          + " listeners]";
    }
  }

  private Node existing(String nodeId) {
    Node node = nodes.get(nodeId);
    if (node == null) {
      throw new NoSuchNodeException(nodeId);
    }
    return node;
  }

  /** Queues a change for every listener; called under the lock, so queues follow change order. */
  private List<Registration> changed(Node before, Node after) {
    if (Objects.equals(before, after)) {
      return List.of();
    }
    Change change = new Change(before, after);
    List<Registration> notify = new ArrayList<>(registrations.size());
    for (Registration registration : registrations) {
      registration.queue.add(change);
      notify.add(registration);
    }
    return notify;
  }

  /** Starts delivery; called outside the lock, so listeners may call back into the directory. */
  private static void dispatch(List<Registration> notify) {
    for (Registration registration : notify) {
      registration.signal();
    }
  }

  private record Change(Node before, Node after) {}

  /** One listener, its queue of undelivered changes, and whether a delivery loop is running. */
  private final class Registration implements Subscription {
    private final Listener listener;
    private final ConcurrentLinkedQueue<Change> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private volatile boolean closed;

    Registration(Listener listener) {
      this.listener = listener;
    }

    void signal() {
      if (!delivering.compareAndSet(false, true)) {
        return; // the running delivery loop will pick the change up
      }
      if (executor == null) {
        deliverAll();
        return;
      }
      try {
        executor.execute(this::deliverAll);
      } catch (RejectedExecutionException e) {
        int dropped = queue.size();
        queue.clear();
        delivering.set(false);
        LOG.log(
            Level.WARNING,
            "node directory executor rejected a notification; dropped "
                + dropped
                + " change(s) for listener "
                + listener,
            e);
      }
    }

    private void deliverAll() {
      do {
        try {
          Change change;
          while ((change = queue.poll()) != null) {
            if (!closed) {
              deliver(change);
            }
          }
        } finally {
          delivering.set(false);
        }
        // a change queued after the last poll but before the reset found delivering still true
      } while (!queue.isEmpty() && delivering.compareAndSet(false, true));
    }

    private void deliver(Change change) {
      try {
        listener.onNodeChanged(change.before(), change.after());
      } catch (RuntimeException e) {
        String id = change.after() != null ? change.after().id() : change.before().id();
        LOG.log(Level.WARNING, "node directory listener " + listener + " failed on node " + id, e);
      }
    }

    @Override
    public void close() {
      closed = true;
      queue.clear();
      registrations.remove(this);
    }
  }
}
