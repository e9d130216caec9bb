package io.scripttask.scheduler;

import io.scripttask.scheduler.MaintenanceWindow.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable set of {@link MaintenanceWindow}s, of any kinds and scopes, with unique ids; answers
 * whether and when a job may run on a node. Thread-safe.
 *
 * <p>For a node (its id and the ids of its groups) only the enabled windows whose {@link
 * MaintenanceWindow#scope() scope} applies count. A job of priority {@code p} is admitted at {@code
 * t} when
 *
 * <ul>
 *   <li>no applicable {@link Kind#BLACKOUT} window is open at {@code t}, unless it allows {@code
 *       p}; and
 *   <li>if there are applicable {@link Kind#ALLOW} windows, at least one of them is open at {@code
 *       t} or allows {@code p}.
 * </ul>
 *
 * <p>{@link #isOpen(Kind, Instant)}, {@link #nextOpening(Kind, Instant)} and {@link
 * #nextClosing(Kind, Instant)} treat all enabled windows of one kind as one: open intervals of
 * different windows that overlap or touch merge. Use {@link #applicableTo(String, Set)} first to
 * ask them for one node.
 *
 * <p>Every search is bounded: {@link #nextAdmission}, {@link #nextOpening(Kind, Instant)} and
 * {@link #nextClosing(Kind, Instant)} look at most {@link MaintenanceWindow#SEARCH_HORIZON} ahead
 * (from {@code t}, or from the start of the merged interval they follow) and take at most {@link
 * #MAX_SEARCH_STEPS} steps from one window boundary to the next; past that they return empty, as do
 * the windows' own searches (see {@link MaintenanceWindow}).
 */
public final class MaintenanceCalendar {

  /** The most window boundaries a search of the calendar steps over before it gives up. */
  public static final int MAX_SEARCH_STEPS = 10_000;

  private static final MaintenanceCalendar EMPTY = new MaintenanceCalendar(List.of());

  private final List<MaintenanceWindow> windows;

  private MaintenanceCalendar(List<MaintenanceWindow> windows) {
    this.windows = windows;
  }

  /**
   * Returns the calendar without windows, which admits every job at every instant.
   *
   * @return the empty calendar
   */
  public static MaintenanceCalendar empty() {
    return EMPTY;
  }

  /**
   * Creates a calendar of {@code windows}.
   *
   * @param windows the windows, with unique ids
   * @return the calendar
   * @throws NullPointerException if {@code windows} or a window is null
   * @throws ValidationException if two windows have the same id
   */
  public static MaintenanceCalendar of(MaintenanceWindow... windows) {
    Objects.requireNonNull(windows, "windows");
    return of(Arrays.asList(windows));
  }

  /**
   * Creates a calendar of {@code windows}, kept in their iteration order.
   *
   * @param windows the windows, with unique ids
   * @return the calendar
   * @throws NullPointerException if {@code windows} or a window is null
   * @throws ValidationException if two windows have the same id
   */
  public static MaintenanceCalendar of(Collection<MaintenanceWindow> windows) {
    Objects.requireNonNull(windows, "windows");
    Set<String> ids = new HashSet<>();
    for (MaintenanceWindow window : windows) {
      Objects.requireNonNull(window, "windows");
      if (!ids.add(window.id())) {
        throw new ValidationException("windows", "have unique ids", "'" + window.id() + "' twice");
      }
    }
    return new MaintenanceCalendar(List.copyOf(windows));
  }

  /**
   * Returns the windows, in the order given.
   *
   * @return an unmodifiable list
   */
  public List<MaintenanceWindow> windows() {
    return windows;
  }

  /**
   * Returns the window with id {@code id}.
   *
   * @param id the id
   * @return the window, or empty if there is none with that id
   * @throws NullPointerException if {@code id} is null
   */
  public Optional<MaintenanceWindow> window(String id) {
    Objects.requireNonNull(id, "id");
    for (MaintenanceWindow window : windows) {
      if (window.id().equals(id)) {
        return Optional.of(window);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns a calendar with {@code window} added, or replacing the window with the same id (in its
   * place).
   *
   * @param window the window
   * @return the new calendar
   * @throws NullPointerException if {@code window} is null
   */
  public MaintenanceCalendar with(MaintenanceWindow window) {
    Objects.requireNonNull(window, "window");
    List<MaintenanceWindow> result = new ArrayList<>(windows.size() + 1);
    boolean replaced = false;
    for (MaintenanceWindow existing : windows) {
      if (existing.id().equals(window.id())) {
        result.add(window);
        replaced = true;
      } else {
        result.add(existing);
      }
    }
    if (!replaced) {
      result.add(window);
    }
    return new MaintenanceCalendar(List.copyOf(result));
  }

  /**
   * Returns a calendar without the window with id {@code id}.
   *
   * @param id the id
   * @return the new calendar, or this one if there is no window with that id
   * @throws NullPointerException if {@code id} is null
   */
  public MaintenanceCalendar without(String id) {
    Objects.requireNonNull(id, "id");
    List<MaintenanceWindow> result = new ArrayList<>(windows.size());
    for (MaintenanceWindow existing : windows) {
      if (!existing.id().equals(id)) {
        result.add(existing);
      }
    }
    return result.size() == windows.size() ? this : new MaintenanceCalendar(List.copyOf(result));
  }

  /**
   * Returns the calendar of the windows whose scope applies to a node (enabled or not).
   *
   * @param nodeId the node's id
   * @param groupIds the ids of the node's groups
   * @return the calendar of the applicable windows
   * @throws NullPointerException if an argument is null
   */
  public MaintenanceCalendar applicableTo(String nodeId, Set<String> groupIds) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(groupIds, "groupIds");
    List<MaintenanceWindow> result = new ArrayList<>();
    for (MaintenanceWindow window : windows) {
      if (window.scope().appliesTo(nodeId, groupIds)) {
        result.add(window);
      }
    }
    return result.size() == windows.size() ? this : new MaintenanceCalendar(List.copyOf(result));
  }

  /**
   * Returns whether a job of priority {@code priority} may run at {@code t} on a node, under all
   * applicable windows (see the rules on the class).
   *
   * @param priority the job's priority
   * @param t the instant
   * @param nodeId the node's id
   * @param groupIds the ids of the node's groups
   * @return whether the job is admitted
   * @throws NullPointerException if an argument is null
   */
  public boolean admits(Priority priority, Instant t, String nodeId, Set<String> groupIds) {
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(t, "t");
    if (windows.isEmpty()) {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(groupIds, "groupIds");
      return true; // no window, nothing held
    }
    Rules rules = rulesFor(priority, nodeId, groupIds);
    return rules.admits(t);
  }

  /**
   * Returns the earliest instant at or after {@code t} at which a job of priority {@code priority}
   * would be admitted on a node: {@code t} itself if it is admitted now, otherwise the moment the
   * blackouts holding it close or an allow window opens, whichever admits it first. This is how
   * long a held job waits.
   *
   * @param priority the job's priority
   * @param t the instant to search from, inclusive
   * @param nodeId the node's id
   * @param groupIds the ids of the node's groups
   * @return the instant, or empty if the job is not admitted within {@link
   *     MaintenanceWindow#SEARCH_HORIZON} of {@code t} (a blackout that never closes, an allow
   *     window that never opens)
   * @throws NullPointerException if an argument is null
   */
  public Optional<Instant> nextAdmission(
      Priority priority, Instant t, String nodeId, Set<String> groupIds) {
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(t, "t");
    Rules rules = rulesFor(priority, nodeId, groupIds);
    Instant limit = t.plus(MaintenanceWindow.SEARCH_HORIZON);
    Instant x = t;
    for (int step = 0; step < MAX_SEARCH_STEPS && !x.isAfter(limit); step++) {
      List<MaintenanceWindow> holding = new ArrayList<>();
      for (MaintenanceWindow blackout : rules.blackouts) {
        if (blackout.isOpen(x)) {
          holding.add(blackout);
        }
      }
      if (!holding.isEmpty()) {
        // not admitted before every open blackout has closed: each stays open until its closing
        Optional<Instant> latest = latestClosing(holding, x);
        if (latest.isEmpty()) {
          return Optional.empty();
        }
        x = latest.get();
        continue;
      }
      if (rules.admitsByAllowWindows(x)) {
        return Optional.of(x);
      }
      // all allow windows are closed at x; the job waits for the first one to open
      Optional<Instant> earliest = earliestOpening(rules.allows, x);
      if (earliest.isEmpty()) {
        return Optional.empty();
      }
      x = earliest.get();
    }
    return Optional.empty();
  }

  /**
   * Returns whether any enabled window of kind {@code kind} is open at {@code t}.
   *
   * @param kind the kind of windows to consider
   * @param t the instant
   * @return whether one is open
   * @throws NullPointerException if an argument is null
   */
  public boolean isOpen(Kind kind, Instant t) {
    Objects.requireNonNull(t, "t");
    return anyOpen(ofKind(kind), t);
  }

  /**
   * Returns the start of the next open interval of the union of the enabled windows of kind {@code
   * kind} that starts strictly after {@code t}; if one is open at {@code t}, the first opening
   * after the merged interval containing {@code t} closes.
   *
   * @param kind the kind of windows to consider
   * @param t the instant to search from, exclusive
   * @return the instant, or empty if there is none (or the interval containing {@code t} does not
   *     close within the search bounds)
   * @throws NullPointerException if an argument is null
   */
  public Optional<Instant> nextOpening(Kind kind, Instant t) {
    Objects.requireNonNull(t, "t");
    List<MaintenanceWindow> union = ofKind(kind);
    Instant from = t;
    if (anyOpen(union, t)) {
      Optional<Instant> closing = closingOfUnion(union, t);
      if (closing.isEmpty()) {
        return Optional.empty();
      }
      from = closing.get();
    }
    return earliestOpening(union, from);
  }

  /**
   * Returns the end of the open interval of the union of the enabled windows of kind {@code kind}
   * that contains {@code t}, or of the next one if none is open at {@code t}. Intervals of
   * different windows that overlap or touch merge; none of the windows is open at the returned
   * instant.
   *
   * @param kind the kind of windows to consider
   * @param t the instant to search from
   * @return the instant, or empty if the union never opens again or never closes (within the search
   *     bounds)
   * @throws NullPointerException if an argument is null
   */
  public Optional<Instant> nextClosing(Kind kind, Instant t) {
    Objects.requireNonNull(t, "t");
    List<MaintenanceWindow> union = ofKind(kind);
    if (anyOpen(union, t)) {
      return closingOfUnion(union, t);
    }
    return earliestOpening(union, t).flatMap(start -> closingOfUnion(union, start));
  }

  /** The end of the merged interval of {@code union} containing {@code start}, which is open. */
  private static Optional<Instant> closingOfUnion(List<MaintenanceWindow> union, Instant start) {
    Instant limit = start.plus(MaintenanceWindow.SEARCH_HORIZON);
    Instant x = start;
    for (int step = 0; step < MAX_SEARCH_STEPS; step++) {
      List<MaintenanceWindow> open = new ArrayList<>();
      for (MaintenanceWindow window : union) {
        if (window.isOpen(x)) {
          open.add(window);
        }
      }
      if (open.isEmpty()) {
        return Optional.of(x);
      }
      // the union stays open at least until the last of the open windows closes
      Optional<Instant> latest = latestClosing(open, x);
      if (latest.isEmpty() || latest.get().isAfter(limit)) {
        return Optional.empty();
      }
      x = latest.get();
    }
    return Optional.empty();
  }

  /** The latest closing of windows that are all open at {@code t}; empty if one never closes. */
  private static Optional<Instant> latestClosing(List<MaintenanceWindow> open, Instant t) {
    Instant latest = null;
    for (MaintenanceWindow window : open) {
      Optional<Instant> closing = window.nextClosing(t);
      if (closing.isEmpty()) {
        return Optional.empty();
      }
      if (latest == null || closing.get().isAfter(latest)) {
        latest = closing.get();
      }
    }
    return Optional.ofNullable(latest);
  }

  /** The earliest next opening of windows that are all closed at {@code t}. */
  private static Optional<Instant> earliestOpening(List<MaintenanceWindow> closed, Instant t) {
    Instant earliest = null;
    for (MaintenanceWindow window : closed) {
      Optional<Instant> opening = window.nextOpening(t);
      if (opening.isPresent() && (earliest == null || opening.get().isBefore(earliest))) {
        earliest = opening.get();
      }
    }
    return Optional.ofNullable(earliest);
  }

  private static boolean anyOpen(List<MaintenanceWindow> windows, Instant t) {
    for (MaintenanceWindow window : windows) {
      if (window.isOpen(t)) {
        return true;
      }
    }
    return false;
  }

  private List<MaintenanceWindow> ofKind(Kind kind) {
    Objects.requireNonNull(kind, "kind");
    List<MaintenanceWindow> result = new ArrayList<>();
    for (MaintenanceWindow window : windows) {
      if (window.enabled() && window.kind() == kind) {
        result.add(window);
      }
    }
    return result;
  }

  /**
   * The windows that can hold back a job of one priority on one node: enabled, applicable, and not
   * allowing the priority.
   */
  private Rules rulesFor(Priority priority, String nodeId, Set<String> groupIds) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(groupIds, "groupIds");
    List<MaintenanceWindow> blackouts = new ArrayList<>();
    List<MaintenanceWindow> allows = new ArrayList<>();
    boolean allowWindowsApply = false;
    boolean allowedByAnAllowWindow = false;
    for (MaintenanceWindow window : windows) {
      if (!window.enabled() || !window.scope().appliesTo(nodeId, groupIds)) {
        continue;
      }
      boolean allowed = window.allowedPriorities().contains(priority);
      if (window.kind() == Kind.BLACKOUT) {
        if (!allowed) {
          blackouts.add(window);
        }
      } else {
        allowWindowsApply = true;
        if (allowed) {
          allowedByAnAllowWindow = true;
        } else {
          allows.add(window);
        }
      }
    }
    boolean needsAllowWindow = allowWindowsApply && !allowedByAnAllowWindow;
    return new Rules(blackouts, needsAllowWindow ? allows : List.of(), needsAllowWindow);
  }

  private static final class Rules {
    final List<MaintenanceWindow> blackouts;
    final List<MaintenanceWindow> allows;
    final boolean needsAllowWindow;

    Rules(List<MaintenanceWindow> blackouts, List<MaintenanceWindow> allows, boolean needsAllow) {
      this.blackouts = blackouts;
      this.allows = allows;
      this.needsAllowWindow = needsAllow;
    }

    boolean admits(Instant t) {
      return !anyOpen(blackouts, t) && admitsByAllowWindows(t);
    }

    boolean admitsByAllowWindows(Instant t) {
      return !needsAllowWindow || anyOpen(allows, t);
    }
  }

  /** Two calendars are equal when they hold equal windows in the same order. */
  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof MaintenanceCalendar && windows.equals(((MaintenanceCalendar) o).windows));
  }

  @Override
  public int hashCode() {
    return windows.hashCode();
  }

  @Override
  public String toString() {
    return "MaintenanceCalendar" + windows;
  }
}
