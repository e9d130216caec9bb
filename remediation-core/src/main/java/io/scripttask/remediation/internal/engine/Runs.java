package io.scripttask.remediation.internal.engine;

import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionResult;
import java.util.concurrent.CompletableFuture;

/** Small {@link Execution} helpers. */
final class Runs {
  private Runs() {}

  /**
   * @param result a result
   * @return an execution that has already ended with it
   */
  static Execution done(ExecutionResult result) {
    CompletableFuture<ExecutionResult> f = CompletableFuture.completedFuture(result);
    return new Execution() {
      @Override
      public CompletableFuture<ExecutionResult> result() {
        return f;
      }

      @Override
      public boolean cancel() {
        return false;
      }
    };
  }
}
