package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.Notification;
import java.util.concurrent.CompletionStage;

/**
 * Sends notifications on one named channel (a console, a webhook, e-mail, chat). Registered with
 * the scheduler's builder; {@link io.scripttask.scheduler.NotificationRule}s name the channel. Must
 * be thread-safe; {@link #send} must not block on the network.
 */
public interface Notifier {

  /**
   * @return the channel's name, as notification rules refer to it
   */
  String channel();

  /**
   * Sends a notification.
   *
   * @param notification what to send; its channel is this notifier's
   * @return completes when sent; completes exceptionally when sending failed for good (the engine
   *     logs it and goes on)
   */
  CompletionStage<Void> send(Notification notification);
}
