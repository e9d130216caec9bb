package io.scripttask.remediation.internal.engine;

import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.spi.CapturedOutput;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Caps text the engine produces itself (notification outcomes, a dry run's scripted output) the way
 * transports cap a run's output under an {@link OutputPolicy}: over the cap, the head and the tail
 * (half the cap each) are kept around a marker line, and the output is flagged truncated.
 */
public final class Capping {
  private Capping() {}

  /**
   * @param text the text
   * @param policy the policy
   * @return the kept output
   */
  public static CapturedOutput cap(String text, OutputPolicy policy) {
    if (!policy.store() || text.isEmpty()) {
      return text.isEmpty()
          ? CapturedOutput.EMPTY
          : new CapturedOutput("", false, text.getBytes(StandardCharsets.UTF_8).length);
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= policy.maxBytes()) {
      return new CapturedOutput(text, false, bytes.length);
    }
    int half = policy.maxBytes() / 2;
    String head = decode(Arrays.copyOfRange(bytes, 0, half));
    String tail = decode(Arrays.copyOfRange(bytes, bytes.length - half, bytes.length));
    String marker = "\n[... " + (bytes.length - 2L * half) + " bytes truncated ...]\n";
    return new CapturedOutput(head + marker + tail, true, bytes.length);
  }

  private static String decode(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.IGNORE)
          .onUnmappableCharacter(CodingErrorAction.IGNORE)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(b, StandardCharsets.UTF_8);
    }
  }
}
