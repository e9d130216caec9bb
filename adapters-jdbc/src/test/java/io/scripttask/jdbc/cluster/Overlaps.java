package io.scripttask.jdbc.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The most intervals that held at one instant. */
final class Overlaps {

  /** A closed interval of {@link System#nanoTime()} values. */
  record Span(long start, long end) {}

  private Overlaps() {}

  /**
   * @param spans closed intervals; two that touch count as overlapping
   * @return the most of them that held at one instant (0 for none)
   */
  static int max(Collection<Span> spans) {
    List<long[]> events = new ArrayList<>(spans.size() * 2);
    for (Span s : spans) {
      events.add(new long[] {s.start(), +1});
      events.add(new long[] {s.end(), -1});
    }
    // at equal times starts come first: touching spans count as overlapping
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
    int now = 0;
    int max = 0;
    for (long[] e : events) {
      now += (int) e[1];
      max = Math.max(max, now);
    }
    return max;
  }
}
