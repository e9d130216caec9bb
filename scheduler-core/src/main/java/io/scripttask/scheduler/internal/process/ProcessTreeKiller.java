package io.scripttask.scheduler.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Kills a process and everything it started.
 *
 * <p>{@link #terminate()} asks politely (SIGTERM on Unix), {@link #forceKill()} does not (SIGKILL;
 * on Windows both end the process at once). Each takes a snapshot of the whole tree with {@link
 * ProcessHandle#descendants()} <em>before</em> signalling anything, because a process whose parent
 * died is re-parented and no longer found under the root; the handles of the snapshot stay valid (a
 * handle is a pid and a start time, so a reused pid is never signalled).
 *
 * <p>Order: parents before children (by depth in the snapshot). Killing the deepest first lets a
 * parent that is still alive start a new child in the gap (a {@code while :; do sleep 300; done}
 * loop respawns its {@code sleep} at once), and that child would escape; a parent killed first can
 * start nothing, and its children are reached through the snapshot. After signalling, the
 * descendants of every process of the tree that is still alive are looked up again, a few rounds,
 * to catch what was started during the sweep.
 *
 * <p>A snapshot races with the processes it looks at: a child forked just after the snapshot whose
 * parent then dies is re-parented before the next look and would escape. So on Linux every process
 * whose environment holds the run's <em>mark</em> (a {@code NAME=value} entry with a random value,
 * set in the script's environment and inherited by everything it starts) is part of the tree too,
 * wherever it was re-parented: {@code /proc/<pid>/environ} of the user's processes is searched for
 * it at each look. A handle is taken before its environment is read and kept only if the process is
 * the same one after, so a reused pid is never taken for the mark's owner.
 *
 * <p>Limits: a process that cleared its environment ({@code env -i}) and left the tree (double
 * fork, {@code setsid}) before the snapshot is not found; off Linux, nor is any process that left
 * the tree.
 *
 * <p>Thread-safe.
 */
public final class ProcessTreeKiller {

  private static final int MAX_ROUNDS = 5;

  private static final Path PROC = Path.of("/proc");

  private final ProcessHandle root;
  private final byte[] mark;
  private final Set<ProcessHandle> seen = new LinkedHashSet<>();

  /**
   * Creates a killer for the tree under {@code root}.
   *
   * @param root the process whose tree to kill
   * @param mark the {@code NAME=value} environment entry that every process of the tree inherited,
   *     or null for none
   * @throws NullPointerException if root is null
   */
  public ProcessTreeKiller(ProcessHandle root, String mark) {
    this.root = Objects.requireNonNull(root, "root");
    this.mark = mark == null ? null : mark.getBytes(StandardCharsets.UTF_8);
  }

  /** Asks every process of the tree to end (SIGTERM), parents first. */
  public synchronized void terminate() {
    sweep(false);
  }

  /** Kills every process of the tree that is still alive (SIGKILL), parents first. */
  public synchronized void forceKill() {
    sweep(true);
  }

  /**
   * @return whether some process of the tree, as far as it was seen, is still alive
   */
  public synchronized boolean anyAlive() {
    if (root.isAlive()) {
      return true;
    }
    for (ProcessHandle h : seen) {
      if (h.isAlive()) {
        return true;
      }
    }
    return false;
  }

  private void sweep(boolean force) {
    // the whole tree as it is now (when forcing, also whatever was seen before and still lives)
    List<ProcessHandle> first = collect();
    seen.addAll(first);
    for (ProcessHandle h : first) {
      signal(h, force);
    }
    // then whatever was started while the sweep ran
    for (int round = 1; round < MAX_ROUNDS; round++) {
      List<ProcessHandle> fresh = new ArrayList<>();
      for (ProcessHandle h : collect()) {
        if (!seen.contains(h)) {
          fresh.add(h);
        }
      }
      if (fresh.isEmpty()) {
        return;
      }
      seen.addAll(fresh);
      for (ProcessHandle h : fresh) {
        signal(h, force);
      }
    }
  }

  /**
   * Collects the live processes of the tree: the root, every process seen before, every process
   * with the mark, and all their descendants, parents first.
   */
  private List<ProcessHandle> collect() {
    List<ProcessHandle> tops = new ArrayList<>();
    tops.add(root);
    for (ProcessHandle h : seen) {
      if (!h.equals(root)) {
        tops.add(h);
      }
    }
    for (ProcessHandle h : marked()) {
      if (!tops.contains(h)) {
        tops.add(h);
      }
    }
    Map<ProcessHandle, Integer> depth = new HashMap<>();
    Set<ProcessHandle> found = new LinkedHashSet<>();
    for (ProcessHandle top : tops) {
      if (!top.isAlive()) {
        continue;
      }
      found.add(top);
      depth.putIfAbsent(top, 0);
      List<ProcessHandle> under = top.descendants().toList();
      Map<Long, ProcessHandle> byPid = new HashMap<>();
      for (ProcessHandle d : under) {
        byPid.put(d.pid(), d);
      }
      for (ProcessHandle d : under) {
        found.add(d);
        depth.merge(d, depthUnder(top, d, byPid), Math::max);
      }
    }
    List<ProcessHandle> result = new ArrayList<>(found);
    result.sort(Comparator.comparingInt(h -> depth.getOrDefault(h, 0)));
    return result;
  }

  /** The live processes whose environment holds the mark (Linux only; empty elsewhere). */
  private List<ProcessHandle> marked() {
    if (mark == null || !Files.isDirectory(PROC)) {
      return List.of();
    }
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> marked = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path entry : entries) {
        long pid;
        try {
          pid = Long.parseLong(entry.getFileName().toString());
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid == self) {
          continue;
        }
        Optional<ProcessHandle> before = ProcessHandle.of(pid);
        if (before.isEmpty()) {
          continue;
        }
        byte[] environment;
        try {
          environment = Files.readAllBytes(entry.resolve("environ"));
        } catch (IOException | SecurityException e) {
          continue; // gone, or another user's
        }
        if (holdsEntry(environment, mark) && ProcessHandle.of(pid).equals(before)) {
          marked.add(before.get());
        }
      }
    } catch (IOException | SecurityException e) {
      // no /proc to read: the tree is what descendants() finds
    }
    return marked;
  }

  /**
   * @return whether the NUL-separated {@code environment} has an entry equal to {@code entry}
   */
  static boolean holdsEntry(byte[] environment, byte[] entry) {
    int start = 0;
    while (start < environment.length) {
      int end = start;
      while (end < environment.length && environment[end] != 0) {
        end++;
      }
      if (end - start == entry.length
          && Arrays.equals(environment, start, end, entry, 0, entry.length)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  private static int depthUnder(
      ProcessHandle top, ProcessHandle d, Map<Long, ProcessHandle> byPid) {
    int depth = 1;
    ProcessHandle current = d;
    while (depth <= byPid.size()) {
      Optional<ProcessHandle> parent = current.parent();
      if (parent.isEmpty() || parent.get().pid() == top.pid()) {
        return depth;
      }
      ProcessHandle next = byPid.get(parent.get().pid());
      if (next == null) {
        return depth;
      }
      current = next;
      depth++;
    }
    return depth;
  }

  private static void signal(ProcessHandle h, boolean force) {
    if (!h.isAlive()) {
      return;
    }
    try {
      if (force) {
        h.destroyForcibly();
      } else {
        h.destroy();
      }
    } catch (IllegalStateException | SecurityException | UnsupportedOperationException e) {
      // not ours to kill (the current process) or not allowed: nothing more can be done here
    }
  }
}
