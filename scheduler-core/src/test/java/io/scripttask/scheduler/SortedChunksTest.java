package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link SortedChunks} against {@link TreeSet} as the reference, under random operations. */
class SortedChunksTest {

  private static List<Integer> drain(Iterator<Integer> it) {
    List<Integer> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void behavesLikeATreeSetUnderRandomAddsRemovesFindsAndAfterIteration() {
    for (int seed = 0; seed < 60; seed++) {
      Random random = new Random(seed);
      SortedChunks<Integer> chunks = new SortedChunks<>(Comparator.naturalOrder());
      TreeSet<Integer> reference = new TreeSet<>();
      // small key ranges force many duplicates and removals; large ones many chunk splits
      int range = seed % 3 == 0 ? 300 : seed % 3 == 1 ? 5_000 : 100_000;
      int ops = 6_000;
      for (int op = 0; op < ops; op++) {
        int key = random.nextInt(range);
        int kind = random.nextInt(10);
        if (kind < 5) {
          Integer replaced = chunks.add(key);
          boolean added = reference.add(key);
          assertThat(replaced == null).as("seed %d add %d", seed, key).isEqualTo(added);
        } else if (kind < 8) {
          assertThat(chunks.remove(key))
              .as("seed %d remove %d", seed, key)
              .isEqualTo(reference.remove(key));
        } else if (kind < 9) {
          assertThat(chunks.find(e -> Integer.compare(e, key)))
              .as("seed %d find %d", seed, key)
              .isEqualTo(reference.contains(key) ? key : null);
        } else {
          List<Integer> expected = new ArrayList<>(reference.tailSet(key, false));
          assertThat(drain(chunks.after(e -> Integer.compare(e, key))))
              .as("seed %d after %d", seed, key)
              .isEqualTo(expected);
          List<Integer> before = new ArrayList<>(reference.headSet(key, false).descendingSet());
          assertThat(drain(chunks.descendingBefore(e -> Integer.compare(e, key))))
              .as("seed %d descending before %d", seed, key)
              .isEqualTo(before);
        }
        assertThat(chunks.size()).isEqualTo(reference.size());
      }
      assertThat(drain(chunks.iterator())).isEqualTo(new ArrayList<>(reference));
      assertThat(drain(chunks.descendingIterator()))
          .isEqualTo(new ArrayList<>(reference.descendingSet()));
      // drain to empty in random order
      List<Integer> left = new ArrayList<>(reference);
      java.util.Collections.shuffle(left, random);
      for (Integer k : left) {
        assertThat(chunks.remove(k)).isTrue();
      }
      assertThat(chunks.size()).isZero();
      assertThat(chunks.iterator().hasNext()).isFalse();
    }
  }

  @Test
  void ascendingInsertsFillChunksAndIterateInOrder() {
    SortedChunks<Integer> chunks = new SortedChunks<>(Comparator.naturalOrder());
    int n = SortedChunks.CHUNK * 10 + 7;
    for (int i = 0; i < n; i++) {
      chunks.add(i);
    }
    List<Integer> all = drain(chunks.iterator());
    assertThat(all).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(all.get(i)).isEqualTo(i);
    }
    assertThat(drain(chunks.after(e -> Integer.compare(e, n - 2)))).containsExactly(n - 1);
    assertThat(drain(chunks.after(e -> Integer.compare(e, n - 1)))).isEmpty();
    assertThat(drain(chunks.after(e -> Integer.compare(e, -1)))).hasSize(n);
  }

  @Test
  void addReplacesTheEqualElementAndReturnsIt() {
    SortedChunks<String> chunks =
        new SortedChunks<>(Comparator.comparing((String s) -> s.substring(0, 1)));
    assertThat(chunks.add("a1")).isNull();
    assertThat(chunks.add("a2")).isEqualTo("a1");
    assertThat(chunks.find(e -> e.substring(0, 1).compareTo("a"))).isEqualTo("a2");
    assertThat(chunks.size()).isEqualTo(1);
  }

  @Test
  void emptySetFindsNothingAndRemovesNothing() {
    SortedChunks<Integer> chunks = new SortedChunks<>(Comparator.naturalOrder());
    assertThat(chunks.find(e -> Integer.compare(e, 1))).isNull();
    assertThat(chunks.remove(1)).isFalse();
    assertThat(chunks.after(e -> Integer.compare(e, 1)).hasNext()).isFalse();
    assertThat(chunks.descendingIterator().hasNext()).isFalse();
    assertThat(chunks.descendingBefore(e -> Integer.compare(e, 1)).hasNext()).isFalse();
  }

  @Test
  void takingElementsFromTheFrontAndAddingAtTheEndKeepsTheOrder() {
    // the store's queues: work is appended in order and taken from the front
    SortedChunks<Integer> chunks = new SortedChunks<>(Comparator.naturalOrder());
    TreeSet<Integer> reference = new TreeSet<>();
    int next = 0;
    Random random = new Random(7);
    for (int op = 0; op < 20_000; op++) {
      if (reference.isEmpty() || random.nextInt(3) > 0) {
        chunks.add(next);
        reference.add(next++);
      } else {
        Integer first = reference.pollFirst();
        assertThat(chunks.remove(first)).isTrue();
      }
    }
    assertThat(drain(chunks.iterator())).isEqualTo(new ArrayList<>(reference));
    assertThat(chunks.size()).isEqualTo(reference.size());
  }
}
