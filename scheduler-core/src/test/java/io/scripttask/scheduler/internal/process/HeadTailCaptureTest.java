package io.scripttask.scheduler.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.spi.CapturedOutput;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeadTailCaptureTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static CapturedOutput capture(OutputPolicy policy, byte[] bytes) {
    HeadTailCapture c = new HeadTailCapture(policy);
    c.write(bytes, 0, bytes.length);
    return c.snapshot();
  }

  @Test
  void keepsEverythingUnderTheCap() {
    assertThat(capture(OutputPolicy.cappedAt(10), ascii("hello")))
        .isEqualTo(new CapturedOutput("hello", false, 5));
  }

  @Test
  void keepsEverythingAtExactlyTheCap() {
    assertThat(capture(OutputPolicy.cappedAt(10), ascii("0123456789")))
        .isEqualTo(new CapturedOutput("0123456789", false, 10));
  }

  @Test
  void emptyStreamIsEmpty() {
    assertThat(new HeadTailCapture(OutputPolicy.DEFAULT).snapshot())
        .isEqualTo(CapturedOutput.EMPTY);
  }

  @Test
  void keepsHeadAndTailOverTheCapJoinedByAMarkerCountingTheDroppedBytes() {
    CapturedOutput out = capture(OutputPolicy.cappedAt(10), ascii("abcdefghijklmnopqrstuvwxyz"));

    assertThat(out)
        .isEqualTo(new CapturedOutput("abcde\n... [truncated 16 bytes] ...\nvwxyz", true, 26));
  }

  @Test
  void oddCapGivesTheHeadTheExtraByte() {
    CapturedOutput out = capture(OutputPolicy.cappedAt(5), ascii("abcdefghij"));

    assertThat(out.text()).isEqualTo("abc\n... [truncated 5 bytes] ...\nij");
  }

  @Test
  void oneByteOverTheCapIsTruncated() {
    CapturedOutput out = capture(OutputPolicy.cappedAt(4), ascii("abcde"));

    assertThat(out).isEqualTo(new CapturedOutput("ab\n... [truncated 1 bytes] ...\nde", true, 5));
  }

  @Test
  void chunkedWritesGiveTheSameResultAsOneWrite() {
    Random random = new Random(42);
    for (int trial = 0; trial < 300; trial++) {
      int cap = 2 + random.nextInt(600);
      int length = random.nextInt(3000);
      byte[] data = new byte[length];
      for (int i = 0; i < length; i++) {
        data[i] = (byte) ('a' + random.nextInt(26));
      }
      HeadTailCapture chunked = new HeadTailCapture(OutputPolicy.cappedAt(cap));
      int at = 0;
      while (at < length) {
        int n = Math.min(length - at, random.nextInt(random.nextBoolean() ? 8 : 1200) + 1);
        chunked.write(data, at, n);
        at += n;
      }

      assertThat(chunked.snapshot())
          .as("cap %d, length %d", cap, length)
          .isEqualTo(expected(data, cap));
    }
  }

  /** The obvious, memory-hungry way: keep everything, then cut. */
  private static CapturedOutput expected(byte[] data, int cap) {
    String all = new String(data, StandardCharsets.US_ASCII);
    if (data.length <= cap) {
      return new CapturedOutput(all, false, data.length);
    }
    int tail = cap / 2;
    int head = cap - tail;
    return new CapturedOutput(
        all.substring(0, head)
            + "\n... [truncated "
            + (data.length - cap)
            + " bytes] ...\n"
            + all.substring(data.length - tail),
        true,
        data.length);
  }

  @Test
  void neverSplitsAMultiByteCharacterAtEitherCut() {
    // "é" is 2 bytes, "✓" 3 bytes, "😀" 4 bytes: cuts land inside them
    String text = "ab\u00e9\u2713" + "x".repeat(20) + "\u2713\ud83d\ude00z";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    // head 6 bytes: a b é(2) and 2 of ✓'s 3; tail 6 bytes: 1 of ✓'s 3... plus 😀(4) z
    CapturedOutput out = capture(OutputPolicy.cappedAt(12), bytes);

    assertThat(out.truncated()).isTrue();
    assertThat(out.totalBytes()).isEqualTo(bytes.length);
    assertThat(out.text()).startsWith("ab\u00e9\n").endsWith("\n\ud83d\ude00z");
    assertThat(out.text()).doesNotContain("\ufffd");
    assertThat(out.text()).contains("[truncated " + (bytes.length - 4 - 5) + " bytes]");
  }

  @Test
  void keepsACharacterThatEndsExactlyAtTheCut() {
    byte[] bytes = ("\u2713\u2713" + "yyyyyy" + "\u2713\u2713").getBytes(StandardCharsets.UTF_8);

    CapturedOutput out = capture(OutputPolicy.cappedAt(12), bytes);

    assertThat(out.text()).isEqualTo("\u2713\u2713\n... [truncated 6 bytes] ...\n\u2713\u2713");
  }

  @Test
  void replacesBytesThatAreNotUtf8() {
    byte[] bytes = {'o', 'k', (byte) 0xFF, '!'};

    assertThat(capture(OutputPolicy.DEFAULT, bytes).text()).isEqualTo("ok\ufffd!");
  }

  @Test
  void discardPolicyKeepsNothingButCountsEveryByte() {
    HeadTailCapture c = new HeadTailCapture(OutputPolicy.DISCARD);
    byte[] chunk = new byte[1000];
    for (int i = 0; i < 100; i++) {
      c.write(chunk, 0, chunk.length);
    }

    assertThat(c.snapshot()).isEqualTo(new CapturedOutput("", false, 100_000));
    assertThat(c.retainedCapacity()).isZero();
  }

  @Test
  void memoryIsBoundedByTheCapNotByTheOutput() {
    HeadTailCapture c = new HeadTailCapture(OutputPolicy.cappedAt(1000));
    byte[] chunk = new byte[4096];
    Arrays.fill(chunk, (byte) 'q');
    for (int i = 0; i < 2560; i++) {
      c.write(chunk, 0, chunk.length - (i % 7));
    }

    assertThat(c.retainedCapacity()).isLessThanOrEqualTo(1000);
    assertThat(c.snapshot().text().length()).isLessThan(1100);
  }

  @Test
  void smallOutputUnderALargeCapUsesLittleMemory() {
    HeadTailCapture c = new HeadTailCapture(OutputPolicy.cappedAt(64 * 1024 * 1024));
    c.write(ascii("tiny"), 0, 4);

    assertThat(c.retainedCapacity()).isLessThanOrEqualTo(256);
    assertThat(c.snapshot().text()).isEqualTo("tiny");
  }

  @Test
  void rejectsAWriteOutsideTheBuffer() {
    HeadTailCapture c = new HeadTailCapture(OutputPolicy.DEFAULT);

    assertThatThrownBy(() -> c.write(new byte[4], 2, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(c.totalBytes()).isZero();
  }
}
