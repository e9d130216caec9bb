package io.scripttask.scheduler.spi;

import java.util.concurrent.CompletableFuture;

/** A run started by a {@link Transport}. */
public interface Execution {

  /**
   * @return the result, completed (never exceptionally) when the run ends for any reason
   */
  CompletableFuture<ExecutionResult> result();

  /**
   * Asks the run to stop: the transport kills what runs on the node (the whole process tree) and
   * completes the result with {@link ExecutionResult.Outcome#CANCELLED}. Cancelling a finished run
   * does nothing.
   *
   * @return true if this call cancelled a run that was still going
   */
  boolean cancel();
}
