package io.scripttask.scheduler;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * A sorted set kept as a list of sorted arrays ("chunks") of at most {@link #CHUNK} elements, for
 * the indexes of {@link InMemorySchedulerStore}. Compared with a {@link java.util.TreeSet}, which
 * allocates a 40-byte entry per element (plus, for a composite order, a key object), it costs about
 * one reference per element (chunks are at least a quarter full after removals, usually three
 * quarters or more), and finds, adds and removes in logarithmic time plus a shift of at most one
 * chunk (and, when a chunk is split or dropped, of the chunk directory).
 *
 * <p>Elements are ordered, and found, by the comparator: two elements it finds equal are the same
 * element. Lookups take a <em>probe</em>, a function telling where an element lies relative to what
 * is looked for (negative before it, zero at it, positive after it), so that a lookup by a part of
 * the order (such as an id) needs no placeholder element. Not thread-safe, and iterators must not
 * outlive a change: the store uses it under its lock.
 *
 * @param <E> the element type
 */
final class SortedChunks<E> implements Iterable<E> {

  /** The most elements a chunk holds. */
  static final int CHUNK = 256;

  private final Comparator<? super E> order;
  private Object[][] chunks = new Object[0][];
  private int[] sizes = new int[0];
  private int count;
  private int size;

  /**
   * Creates an empty set.
   *
   * @param order the order of the elements; elements it finds equal are the same element
   */
  SortedChunks(Comparator<? super E> order) {
    this.order = Objects.requireNonNull(order, "order");
  }

  /**
   * @return the number of elements
   */
  int size() {
    return size;
  }

  /**
   * Finds an element.
   *
   * @param probe negative for elements before the one looked for, zero at it, positive after it
   * @return the element at which the probe is zero, or null if there is none
   */
  @SuppressWarnings("unchecked")
  E find(ToIntFunction<? super E> probe) {
    if (count == 0) {
      return null;
    }
    int c = chunkOf(probe);
    int i = firstAtOrAfter(c, probe);
    if (i < sizes[c]) {
      E e = (E) chunks[c][i];
      if (probe.applyAsInt(e) == 0) {
        return e;
      }
    }
    return null;
  }

  /**
   * Adds an element, or replaces the element equal to it.
   *
   * @param element the element
   * @return the element replaced, or null if there was none
   */
  @SuppressWarnings("unchecked")
  E add(E element) {
    Objects.requireNonNull(element, "element");
    if (count == 0) {
      insertChunk(0);
      chunks[0][0] = element;
      sizes[0] = 1;
      size = 1;
      return null;
    }
    int last = count - 1;
    if (sizes[last] < CHUNK && order.compare(elementAt(last, sizes[last] - 1), element) < 0) {
      // after every element (ascending inserts, the common case): append without a search
      chunks[last][sizes[last]++] = element;
      size++;
      return null;
    }
    ToIntFunction<E> probe = e -> order.compare(e, element);
    int c = chunkOf(probe);
    int i = firstAtOrAfter(c, probe);
    if (i < sizes[c] && probe.applyAsInt((E) chunks[c][i]) == 0) {
      E old = (E) chunks[c][i];
      chunks[c][i] = element;
      return old;
    }
    if (sizes[c] == CHUNK) {
      if (i == CHUNK && (c == count - 1 || sizes[c + 1] < CHUNK)) {
        // at the end of a full chunk: start the next one (ascending inserts fill chunks) or use
        // the room at the start of the next
        c++;
        i = 0;
        if (c == count) {
          insertChunk(c);
        }
      } else if (i == 0 && c == 0) {
        insertChunk(0);
      } else {
        insertChunk(c + 1);
        int half = CHUNK / 2;
        System.arraycopy(chunks[c], half, chunks[c + 1], 0, CHUNK - half);
        Arrays.fill(chunks[c], half, CHUNK, null);
        sizes[c] = half;
        sizes[c + 1] = CHUNK - half;
        if (i > half) {
          c++;
          i -= half;
        }
      }
    }
    Object[] chunk = chunks[c];
    System.arraycopy(chunk, i, chunk, i + 1, sizes[c] - i);
    chunk[i] = element;
    sizes[c]++;
    size++;
    return null;
  }

  /**
   * Removes the element equal to {@code element}.
   *
   * @param element the element
   * @return whether there was one
   */
  @SuppressWarnings("unchecked")
  boolean remove(E element) {
    Objects.requireNonNull(element, "element");
    if (count == 0) {
      return false;
    }
    int c;
    int i;
    if (order.compare(elementAt(0, 0), element) == 0) {
      // the first element (work taken in order, the common case): no search
      c = 0;
      i = 0;
    } else {
      ToIntFunction<E> probe = e -> order.compare(e, element);
      c = chunkOf(probe);
      i = firstAtOrAfter(c, probe);
      if (i == sizes[c] || probe.applyAsInt((E) chunks[c][i]) != 0) {
        return false;
      }
    }
    Object[] chunk = chunks[c];
    System.arraycopy(chunk, i + 1, chunk, i, sizes[c] - i - 1);
    chunk[--sizes[c]] = null;
    size--;
    if (sizes[c] == 0) {
      removeChunk(c);
    } else if (sizes[c] < CHUNK / 4) {
      if (c + 1 < count && sizes[c] + sizes[c + 1] <= CHUNK / 2) {
        merge(c);
      } else if (c > 0 && sizes[c - 1] + sizes[c] <= CHUNK / 2) {
        merge(c - 1);
      }
    }
    return true;
  }

  /**
   * @return the elements in order
   */
  @Override
  public Iterator<E> iterator() {
    return new Cursor(0, 0);
  }

  /**
   * @param probe negative for elements before a point, zero at it, positive after it
   * @return the elements after the point (those for which the probe is positive), in order
   */
  Iterator<E> after(ToIntFunction<? super E> probe) {
    if (count == 0) {
      return new Cursor(0, 0);
    }
    int c = chunkOf(probe);
    int i = firstAtOrAfter(c, probe);
    if (i < sizes[c] && probe.applyAsInt(elementAt(c, i)) == 0) {
      i++;
    }
    return i == sizes[c] ? new Cursor(c + 1, 0) : new Cursor(c, i);
  }

  /**
   * @return the elements in descending order
   */
  Iterator<E> descendingIterator() {
    return count == 0
        ? new DescendingCursor(-1, -1)
        : new DescendingCursor(count - 1, sizes[count - 1] - 1);
  }

  /**
   * The elements strictly before a position, in descending order.
   *
   * @param probe negative for elements before the position, zero or positive at or after it
   * @return the elements at which the probe is negative, last first
   */
  Iterator<E> descendingBefore(ToIntFunction<? super E> probe) {
    if (count == 0) {
      return new DescendingCursor(-1, -1);
    }
    int c = chunkOf(probe);
    int i = firstAtOrAfter(c, probe) - 1;
    if (i < 0) {
      c--;
      i = c < 0 ? -1 : sizes[c] - 1;
    }
    return new DescendingCursor(c, i);
  }

  @SuppressWarnings("unchecked")
  private E elementAt(int c, int i) {
    return (E) chunks[c][i];
  }

  /**
   * @return the last chunk whose first element is not after the point, or 0 if none
   */
  private int chunkOf(ToIntFunction<? super E> probe) {
    int lo = 0;
    int hi = count - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (probe.applyAsInt(elementAt(mid, 0)) <= 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * @return the index in chunk {@code c} of its first element not before the point
   */
  private int firstAtOrAfter(int c, ToIntFunction<? super E> probe) {
    int lo = 0;
    int hi = sizes[c];
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (probe.applyAsInt(elementAt(c, mid)) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Inserts an empty chunk at index {@code c} of the directory. */
  private void insertChunk(int c) {
    if (count == chunks.length) {
      int capacity = Math.max(4, count + (count >> 1));
      chunks = Arrays.copyOf(chunks, capacity);
      sizes = Arrays.copyOf(sizes, capacity);
    }
    System.arraycopy(chunks, c, chunks, c + 1, count - c);
    System.arraycopy(sizes, c, sizes, c + 1, count - c);
    chunks[c] = new Object[CHUNK];
    sizes[c] = 0;
    count++;
  }

  private void removeChunk(int c) {
    System.arraycopy(chunks, c + 1, chunks, c, count - c - 1);
    System.arraycopy(sizes, c + 1, sizes, c, count - c - 1);
    count--;
    chunks[count] = null;
    sizes[count] = 0;
  }

  /** Moves chunk {@code c + 1}'s elements to the end of chunk {@code c} and drops it. */
  private void merge(int c) {
    System.arraycopy(chunks[c + 1], 0, chunks[c], sizes[c], sizes[c + 1]);
    sizes[c] += sizes[c + 1];
    removeChunk(c + 1);
  }

  private final class DescendingCursor implements Iterator<E> {
    private int c;
    private int i;

    DescendingCursor(int c, int i) {
      this.c = c;
      this.i = i;
    }

    @Override
    public boolean hasNext() {
      return c >= 0;
    }

    @Override
    public E next() {
      if (c < 0) {
        throw new NoSuchElementException();
      }
      E e = elementAt(c, i);
      if (--i < 0 && --c >= 0) {
        i = sizes[c] - 1;
      }
      return e;
    }
  }

  private final class Cursor implements Iterator<E> {
    private int c;
    private int i;

    Cursor(int c, int i) {
      this.c = c;
      this.i = i;
    }

    @Override
    public boolean hasNext() {
      return c < count;
    }

    @Override
    public E next() {
      if (c >= count) {
        throw new NoSuchElementException();
      }
      E e = elementAt(c, i);
      if (++i == sizes[c]) {
        c++;
        i = 0;
      }
      return e;
    }
  }
}
