package io.scripttask.scheduler;

import java.util.Objects;
import java.util.function.Function;

/**
 * Elements by a key, for {@link InMemorySchedulerStore}: an open-addressing hash table (linear
 * probing, deletion by backward shift, so no tombstones) holding the elements themselves, with each
 * slot's key hash beside it so that a probe touches an element only when the hashes match. Compared
 * with a {@link java.util.HashMap}, it costs one to three references and ints per element instead
 * of a 32-byte entry more, and it spreads keys by multiplying their hash by the golden ratio, which
 * copes with the clustered hashes of numbered ids ({@code "job-1"}, {@code "job-2"}, ...) that
 * leave many of a {@code HashMap}'s buckets overfull.
 *
 * <p>A table made {@linkplain #KeyTable(Function, boolean) with attachments} keeps an object beside
 * each element (the store keeps a job's index entry there), reached through the element's slot: a
 * caller that {@linkplain #slotOf finds a slot} reads and replaces the element and its attachment
 * without probing again. A slot stays valid until the next insertion or removal. Not thread-safe:
 * the store uses it under its lock.
 *
 * @param <K> the key type
 * @param <E> the element type
 */
final class KeyTable<K, E> {

  private static final int MIN_BITS = 4;

  private final Function<? super E, ? extends K> key;
  private Object[] slots = new Object[1 << MIN_BITS];

  /** The key hash of each slot's element: probes compare these before touching an element. */
  private int[] hashes = new int[1 << MIN_BITS];

  /** The attachment of each slot's element, or null for a table without attachments. */
  private Object[] attachments;

  private int bits = MIN_BITS;
  private int size;

  /**
   * Creates an empty table without attachments.
   *
   * @param key the key of an element; equal keys name the same element
   */
  KeyTable(Function<? super E, ? extends K> key) {
    this(key, false);
  }

  /**
   * Creates an empty table.
   *
   * @param key the key of an element; equal keys name the same element
   * @param attached whether each element has an attachment
   */
  KeyTable(Function<? super E, ? extends K> key, boolean attached) {
    this.key = Objects.requireNonNull(key, "key");
    this.attachments = attached ? new Object[1 << MIN_BITS] : null;
  }

  /**
   * @return how many elements it holds
   */
  int size() {
    return size;
  }

  /**
   * @param k a key
   * @return the slot of the element with that key, or -1
   */
  @SuppressWarnings("unchecked")
  int slotOf(Object k) {
    int h = k.hashCode();
    Object[] t = slots;
    int[] hs = hashes;
    int mask = t.length - 1;
    for (int i = home(h); ; i = (i + 1) & mask) {
      Object e = t[i];
      if (e == null) {
        return -1;
      }
      if (hs[i] == h && k.equals(key.apply((E) e))) {
        return i;
      }
    }
  }

  /**
   * @param slot a slot from {@link #slotOf}
   * @return its element
   */
  @SuppressWarnings("unchecked")
  E elementAt(int slot) {
    return (E) slots[slot];
  }

  /**
   * Replaces the element of a slot by one with an equal key.
   *
   * @param slot a slot from {@link #slotOf}
   * @param element the element
   */
  void replaceAt(int slot, E element) {
    slots[slot] = Objects.requireNonNull(element, "element");
  }

  /**
   * @param slot a slot from {@link #slotOf}
   * @return its attachment, or null
   */
  Object attachmentAt(int slot) {
    return attachments[slot];
  }

  /**
   * @param k a key
   * @return the element with that key, or null
   */
  E get(Object k) {
    int slot = slotOf(k);
    return slot < 0 ? null : elementAt(slot);
  }

  /**
   * @param k a key
   * @return whether an element has that key
   */
  boolean containsKey(Object k) {
    return slotOf(k) >= 0;
  }

  /**
   * Adds an element, or replaces the one with an equal key (keeping its attachment).
   *
   * @param element the element
   * @return the element it replaced, or null
   */
  E put(E element) {
    int slot = slotOf(key.apply(Objects.requireNonNull(element, "element")));
    if (slot >= 0) {
      E old = elementAt(slot);
      slots[slot] = element;
      return old;
    }
    insert(element, null);
    return null;
  }

  /**
   * Adds an element whose key is not in the table.
   *
   * @param element the element
   * @param attachment its attachment (null in a table without attachments)
   */
  void insert(E element, Object attachment) {
    int h = key.apply(Objects.requireNonNull(element, "element")).hashCode();
    if ((size + 1) * 4L > slots.length * 3L) {
      grow();
    }
    insertNew(element, h, attachment);
    size++;
  }

  /**
   * Removes the element with a key.
   *
   * @param k the key
   * @return the element removed, or null
   */
  E remove(Object k) {
    int i = slotOf(k);
    if (i < 0) {
      return null;
    }
    E removed = elementAt(i);
    Object[] t = slots;
    int[] hs = hashes;
    Object[] as = attachments;
    int mask = t.length - 1;
    // backward shift: move later entries of the probe run into the hole when their home allows
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      Object e = t[j];
      if (e == null) {
        break;
      }
      int h = home(hs[j]);
      if (((j - h) & mask) >= ((j - hole) & mask)) {
        t[hole] = e;
        hs[hole] = hs[j];
        if (as != null) {
          as[hole] = as[j];
        }
        hole = j;
      }
    }
    t[hole] = null;
    hs[hole] = 0;
    if (as != null) {
      as[hole] = null;
    }
    size--;
    return removed;
  }

  /** The home slot of a key hash: its golden-ratio product's top bits. */
  private int home(int hash) {
    return (hash * 0x9E3779B9) >>> (32 - bits);
  }

  private void grow() {
    Object[] old = slots;
    int[] oldHashes = hashes;
    Object[] oldAttachments = attachments;
    bits++;
    slots = new Object[1 << bits];
    hashes = new int[1 << bits];
    attachments = oldAttachments == null ? null : new Object[1 << bits];
    for (int i = 0; i < old.length; i++) {
      if (old[i] != null) {
        insertNew(old[i], oldHashes[i], oldAttachments == null ? null : oldAttachments[i]);
      }
    }
  }

  /** Inserts an element whose key is not in the table, without a size check. */
  private void insertNew(Object element, int hash, Object attachment) {
    Object[] t = slots;
    int mask = t.length - 1;
    int i = home(hash);
    while (t[i] != null) {
      i = (i + 1) & mask;
    }
    t[i] = element;
    hashes[i] = hash;
    if (attachments != null) {
      attachments[i] = attachment;
    }
  }
}
