package io.scripttask.scheduler;

import io.scripttask.scheduler.spi.Notifier;
import java.io.PrintStream;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Notifier} that prints notifications, one block each, to a {@link PrintStream}: for the
 * demo, for development, and as a fallback channel.
 */
public final class ConsoleNotifier implements Notifier {
  private final String channel;
  private final PrintStream out;

  /**
   * Creates a notifier.
   *
   * @param channel the channel's name
   * @param out where to print
   * @throws ValidationException if the channel is blank
   */
  public ConsoleNotifier(String channel, PrintStream out) {
    Objects.requireNonNull(channel, "channel");
    if (channel.isBlank()) {
      throw new ValidationException("channel", "not be blank", "\"" + channel + "\"");
    }
    this.channel = channel;
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * A notifier on channel {@code console} printing to standard output.
   *
   * @return the notifier
   */
  public static ConsoleNotifier stdout() {
    return new ConsoleNotifier("console", System.out);
  }

  @Override
  public String channel() {
    return channel;
  }

  @Override
  public CompletionStage<Void> send(Notification notification) {
    Objects.requireNonNull(notification, "notification");
    StringBuilder sb = new StringBuilder();
    sb.append('[')
        .append(notification.severity())
        .append("] ")
        .append(notification.subject())
        .append(System.lineSeparator());
    if (!notification.body().isEmpty()) {
      sb.append("  ").append(notification.body()).append(System.lineSeparator());
    }
    new TreeMap<>(notification.fields())
        .forEach(
            (k, v) ->
                sb.append("  ").append(k).append(": ").append(v).append(System.lineSeparator()));
    synchronized (out) {
      out.print(sb);
      out.flush();
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public String toString() {
    return "ConsoleNotifier[channel=" + channel + "]";
  }
}
