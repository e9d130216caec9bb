package io.scripttask.scheduler.internal.process;

import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.spi.CapturedOutput;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Keeps the head and the tail of one output stream within a byte cap, and counts every byte.
 *
 * <p>Of a stream capped at {@code maxBytes}, the first {@code ceil(maxBytes / 2)} bytes (the head)
 * and the last {@code floor(maxBytes / 2)} bytes (the tail, a ring buffer) are kept; everything in
 * between is dropped and only counted. Memory stays bounded by the cap whatever the size of the
 * stream: the buffers grow with the output up to their share of the cap and never past it. With
 * {@link OutputPolicy#store()} false nothing is kept and only the bytes are counted.
 *
 * <p>{@link #snapshot()} decodes what is kept as UTF-8:
 *
 * <ul>
 *   <li>untruncated output is decoded whole; bytes that are not valid UTF-8 become U+FFFD;
 *   <li>truncated output never splits a multi-byte character at a cut: an incomplete character at
 *       the end of the head and continuation bytes at the start of the tail are dropped with the
 *       middle (and counted in the marker), and the two parts are joined by the marker line {@code
 *       "\n... [truncated N bytes] ...\n"}, where N is every byte not shown;
 *   <li>with {@code store=false} the text is empty and {@code truncated} is false (nothing was kept
 *       by policy, not by a cut), while {@code totalBytes} is still the full count.
 * </ul>
 *
 * <p>Thread-safe: one thread writes while others take snapshots.
 */
public final class HeadTailCapture {

  private final boolean store;
  private final int headCap;
  private final int tailCap;

  private byte[] head = new byte[0];
  private int headLen;
  private byte[] tail = new byte[0];
  private int tailStart;
  private int tailLen;
  private long total;

  /**
   * Creates a capture for one stream.
   *
   * @param policy how much to keep
   * @throws NullPointerException if policy is null
   */
  public HeadTailCapture(OutputPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    this.store = policy.store();
    this.tailCap = policy.maxBytes() / 2;
    this.headCap = policy.maxBytes() - tailCap;
  }

  /**
   * Adds bytes read from the stream.
   *
   * @param bytes the buffer
   * @param offset where the bytes start in it
   * @param length how many bytes to add
   * @throws IndexOutOfBoundsException if offset and length do not fit the buffer
   */
  public synchronized void write(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    total += length;
    if (!store) {
      return;
    }
    int toHead = Math.min(length, headCap - headLen);
    if (toHead > 0) {
      ensureHeadCapacity(headLen + toHead);
      System.arraycopy(bytes, offset, head, headLen, toHead);
      headLen += toHead;
      offset += toHead;
      length -= toHead;
    }
    if (length > 0 && tailCap > 0) {
      appendToTail(bytes, offset, length);
    }
  }

  /**
   * @return how many bytes the stream produced so far
   */
  public synchronized long totalBytes() {
    return total;
  }

  /**
   * @return the bytes the buffers hold room for now, never more than the cap
   */
  synchronized int retainedCapacity() {
    return head.length + tail.length;
  }

  /**
   * @return the output kept so far, decoded as UTF-8
   */
  public synchronized CapturedOutput snapshot() {
    if (!store || total == 0) {
      return new CapturedOutput("", false, total);
    }
    byte[] tailBytes = orderedTail();
    if (total <= (long) headLen + tailLen) {
      byte[] all = Arrays.copyOf(head, headLen + tailBytes.length);
      System.arraycopy(tailBytes, 0, all, headLen, tailBytes.length);
      return new CapturedOutput(new String(all, StandardCharsets.UTF_8), false, total);
    }
    int keptHead = Utf8Cuts.completePrefixLength(head, headLen);
    int tailSkip = Utf8Cuts.leadingContinuationBytes(tailBytes);
    int keptTail = tailBytes.length - tailSkip;
    long dropped = total - keptHead - keptTail;
    String text =
        new String(head, 0, keptHead, StandardCharsets.UTF_8)
            + "\n... [truncated "
            + dropped
            + " bytes] ...\n"
            + new String(tailBytes, tailSkip, keptTail, StandardCharsets.UTF_8);
    return new CapturedOutput(text, true, total);
  }

  private void ensureHeadCapacity(int needed) {
    if (head.length < needed) {
      int grown = Math.max(needed, Math.min(headCap, Math.max(256, head.length * 2)));
      head = Arrays.copyOf(head, grown);
    }
  }

  private void appendToTail(byte[] bytes, int offset, int length) {
    if (length >= tailCap) {
      if (tail.length < tailCap) {
        tail = new byte[tailCap];
      }
      System.arraycopy(bytes, offset + length - tailCap, tail, 0, tailCap);
      tailStart = 0;
      tailLen = tailCap;
      return;
    }
    int needed = tailLen + length;
    if (needed <= tailCap) {
      if (tail.length < needed) {
        // not wrapped yet (tailStart stays 0 until the ring is full): grow towards the cap
        int grown = Math.max(needed, Math.min(tailCap, Math.max(256, tail.length * 2)));
        tail = Arrays.copyOf(tail, grown);
      }
    } else if (tail.length < tailCap) {
      tail = Arrays.copyOf(tail, tailCap);
    }
    int capacity = tail.length;
    int writeAt = (tailStart + tailLen) % capacity;
    int first = Math.min(length, capacity - writeAt);
    System.arraycopy(bytes, offset, tail, writeAt, first);
    System.arraycopy(bytes, offset + first, tail, 0, length - first);
    int overflow = tailLen + length - capacity;
    if (overflow > 0) {
      tailStart = (tailStart + overflow) % capacity;
      tailLen = capacity;
    } else {
      tailLen += length;
    }
  }

  private byte[] orderedTail() {
    byte[] out = new byte[tailLen];
    if (tailLen == 0) {
      return out;
    }
    int capacity = tail.length;
    int first = Math.min(tailLen, capacity - tailStart);
    System.arraycopy(tail, tailStart, out, 0, first);
    System.arraycopy(tail, 0, out, first, tailLen - first);
    return out;
  }

  /** Where UTF-8 may be cut without splitting a character. */
  static final class Utf8Cuts {
    private Utf8Cuts() {}

    /**
     * @return the length of the longest prefix of {@code bytes[0, length)} that does not end inside
     *     a multi-byte character
     */
    static int completePrefixLength(byte[] bytes, int length) {
      // look back over at most 3 continuation bytes for the lead byte of the last character
      int i = length - 1;
      int continuation = 0;
      while (i >= 0 && continuation < 3 && isContinuation(bytes[i])) {
        i--;
        continuation++;
      }
      if (i < 0) {
        return length;
      }
      int needed = sequenceLength(bytes[i]);
      if (needed > 1 && continuation + 1 < needed) {
        return i;
      }
      return length;
    }

    /**
     * @return how many continuation bytes (at most 3) start {@code bytes}
     */
    static int leadingContinuationBytes(byte[] bytes) {
      int n = 0;
      while (n < bytes.length && n < 3 && isContinuation(bytes[n])) {
        n++;
      }
      return n;
    }

    private static boolean isContinuation(byte b) {
      return (b & 0xC0) == 0x80;
    }

    private static int sequenceLength(byte lead) {
      int b = lead & 0xFF;
      if (b >= 0xF0 && b <= 0xF4) {
        return 4;
      }
      if (b >= 0xE0 && b <= 0xEF) {
        return 3;
      }
      if (b >= 0xC2 && b <= 0xDF) {
        return 2;
      }
      return 1;
    }
  }
}
