package io.scripttask.scheduler.internal.cron;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The offsets of a zone as a sorted array of transition instants, so that the cron evaluator finds
 * the offset segment of an instant with a binary search on primitives instead of calling {@link
 * ZoneRules} (which allocates) on every evaluation.
 *
 * <p>Segment {@code i} is the half-open instant range {@code [transition(i - 1), transition(i))}
 * with offset {@link #offset(int)}; segment 0 starts at minus infinity and the last at plus
 * infinity. A timeline is exact for the instants in {@code [validFrom, validTo)}: the shared table
 * of a zone covers its whole history and the years up to {@value #TABLE_END_YEAR}; beyond that, a
 * window table is built on demand from the zone rules. Immutable apart from a racy search hint.
 */
public final class ZoneTimeline {
  static final int TABLE_END_YEAR = 2300;
  private static final long TABLE_END =
      CalendarMath.epochDay(TABLE_END_YEAR, 1, 1) * CalendarMath.SECONDS_PER_DAY;
  private static final long HALF_WINDOW_SECONDS = 200L * 366 * CalendarMath.SECONDS_PER_DAY;

  private static final ConcurrentHashMap<String, ZoneTimeline> REGIONS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<ZoneOffset, ZoneTimeline> OFFSETS =
      new ConcurrentHashMap<>();

  private final Object key;
  private final ZoneRules rules;
  private final long[] transitions;
  private final int[] offsets;
  private final long validFrom;
  private final long validTo;
  private final boolean fixed;
  private final ZoneTimeline root;
  private int hint;
  private ZoneTimeline lastWindow; // on the root: the last window built, racy but safe

  private ZoneTimeline(
      Object key,
      ZoneRules rules,
      long[] transitions,
      int[] offsets,
      long validFrom,
      long validTo,
      ZoneTimeline root) {
    this.key = key;
    this.rules = rules;
    this.transitions = transitions;
    this.offsets = offsets;
    this.validFrom = validFrom;
    this.validTo = validTo;
    this.fixed = transitions.length == 0;
    this.root = root == null ? this : root;
  }

  /**
   * The timeline of a zone, shared and cached.
   *
   * @param zone the zone
   * @return its timeline
   * @throws NullPointerException if {@code zone} is null
   */
  public static ZoneTimeline of(ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    if (zone instanceof ZoneOffset) {
      ZoneOffset offset = (ZoneOffset) zone;
      return OFFSETS.computeIfAbsent(
          offset,
          o ->
              new ZoneTimeline(
                  o,
                  null,
                  new long[0],
                  new int[] {o.getTotalSeconds()},
                  Long.MIN_VALUE,
                  Long.MAX_VALUE,
                  null));
    }
    ZoneRules rules = zone.getRules();
    ZoneTimeline cached = REGIONS.get(zone.getId());
    if (cached != null && cached.rules == rules) {
      return cached;
    }
    ZoneTimeline built = build(rules);
    REGIONS.put(zone.getId(), built);
    return built;
  }

  /**
   * Whether this timeline belongs to the zone: compares the rules by identity (a {@link ZoneOffset}
   * by itself), which is what makes a per-caller one-entry cache cheap.
   *
   * @param zone the zone
   * @return true if this is the timeline of {@code zone}
   */
  public boolean isFor(ZoneId zone) {
    return zone instanceof ZoneOffset ? key == zone : key == zone.getRules();
  }

  private static ZoneTimeline build(ZoneRules rules) {
    if (rules.isFixedOffset()) {
      return new ZoneTimeline(
          rules,
          rules,
          new long[0],
          new int[] {rules.getOffset(Instant.EPOCH).getTotalSeconds()},
          Long.MIN_VALUE,
          Long.MAX_VALUE,
          null);
    }
    List<ZoneOffsetTransition> list = new ArrayList<>(rules.getTransitions());
    int before =
        list.isEmpty()
            ? rules.getOffset(Instant.EPOCH).getTotalSeconds()
            : list.get(0).getOffsetBefore().getTotalSeconds();
    if (list.isEmpty() && rules.getTransitionRules().isEmpty()) {
      return new ZoneTimeline(
          rules, rules, new long[0], new int[] {before}, Long.MIN_VALUE, Long.MAX_VALUE, null);
    }
    boolean open = !rules.getTransitionRules().isEmpty();
    if (open) {
      Instant from =
          list.isEmpty()
              ? Instant.ofEpochSecond(CalendarMath.epochDay(1900, 1, 1) * 86_400L)
              : list.get(list.size() - 1).getInstant();
      if (list.isEmpty()) {
        ZoneOffsetTransition first = rules.nextTransition(from);
        if (first != null) {
          before = first.getOffsetBefore().getTotalSeconds();
        }
      }
      ZoneOffsetTransition t = rules.nextTransition(from);
      while (t != null && t.toEpochSecond() < TABLE_END) {
        list.add(t);
        t = rules.nextTransition(t.getInstant());
      }
      if (t == null) {
        open = false;
      }
    }
    return fromList(rules, list, before, Long.MIN_VALUE, open, null);
  }

  private static ZoneTimeline fromList(
      ZoneRules rules,
      List<ZoneOffsetTransition> list,
      int before,
      long validFrom,
      boolean open,
      ZoneTimeline root) {
    long[] transitions = new long[list.size()];
    int[] offsets = new int[list.size() + 1];
    offsets[0] = before;
    for (int i = 0; i < transitions.length; i++) {
      transitions[i] = list.get(i).toEpochSecond();
      offsets[i + 1] = list.get(i).getOffsetAfter().getTotalSeconds();
    }
    long validTo =
        open && transitions.length > 0 ? transitions[transitions.length - 1] : Long.MAX_VALUE;
    return new ZoneTimeline(rules, rules, transitions, offsets, validFrom, validTo, root);
  }

  /**
   * A timeline exact at instant {@code t}: this one if it covers {@code t}, else the zone's shared
   * table if that does, else a new window table around {@code t}.
   *
   * @param t epoch second
   * @return a timeline that covers {@code t}
   */
  ZoneTimeline at(long t) {
    if (t >= validFrom && t < validTo) {
      return this;
    }
    if (t >= root.validFrom && t < root.validTo) {
      return root;
    }
    ZoneTimeline window = root.lastWindow;
    if (window != null && t >= window.validFrom && t < window.validTo) {
      return window;
    }
    window = buildWindow(t);
    root.lastWindow = window;
    return window;
  }

  /** A table from about 200 years before {@code t} to about 200 years after it. */
  private ZoneTimeline buildWindow(long t) {
    long low = Math.max(t - HALF_WINDOW_SECONDS, Instant.MIN.getEpochSecond() + 1);
    ZoneOffsetTransition p = rules.previousTransition(Instant.ofEpochSecond(low + 1));
    List<ZoneOffsetTransition> list = new ArrayList<>();
    int before;
    long from;
    Instant cursor;
    if (p == null) {
      from = Long.MIN_VALUE;
      cursor = Instant.ofEpochSecond(low);
      before = rules.getOffset(cursor).getTotalSeconds();
    } else {
      list.add(p);
      from = p.toEpochSecond();
      before = p.getOffsetBefore().getTotalSeconds();
      cursor = p.getInstant();
    }
    long end =
        Math.min(t, Instant.MAX.getEpochSecond() - HALF_WINDOW_SECONDS) + HALF_WINDOW_SECONDS;
    ZoneOffsetTransition next = rules.nextTransition(cursor);
    while (next != null && next.toEpochSecond() < end) {
      list.add(next);
      next = rules.nextTransition(next.getInstant());
    }
    if (next != null) {
      list.add(next);
    }
    return fromList(rules, list, before, from, next != null, root);
  }

  /** Whether the zone has a single offset forever. */
  boolean isFixed() {
    return fixed;
  }

  /** The segment index of epoch second {@code t}, which must be covered. */
  int index(long t) {
    long[] tr = transitions;
    int h = hint;
    if (h <= tr.length && (h == 0 || tr[h - 1] <= t) && (h == tr.length || t < tr[h])) {
      return h;
    }
    int lo = 0;
    int hi = tr.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (tr[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    hint = lo;
    return lo;
  }

  /** Whether segment {@code i + 1} is exactly known here. */
  boolean hasNext(int i) {
    return i < transitions.length && transitions[i] < validTo;
  }

  /** Whether segment {@code i - 1} is exactly known here. */
  boolean hasPrevious(int i) {
    return i >= 2 || (i == 1 && validFrom == Long.MIN_VALUE);
  }

  int offset(int i) {
    return offsets[i];
  }

  long start(int i) {
    return i == 0 ? Long.MIN_VALUE : transitions[i - 1];
  }

  long end(int i) {
    return i == transitions.length ? Long.MAX_VALUE : transitions[i];
  }
}
