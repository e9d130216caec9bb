package io.scripttask.scheduler.spi;

/**
 * Runs a script on a node, asynchronously. A scheduler may route to several transports, by the
 * {@link io.scripttask.scheduler.Node#transport()} name of each node.
 *
 * <p>Implementations must be thread-safe: the engine calls {@link #execute} from its dispatch
 * thread and {@link Execution#cancel()} from any thread. {@link #execute} must not block on the run
 * itself; it returns at once with a handle whose result completes when the run ends.
 */
public interface Transport {

  /**
   * @return the name nodes use to pick this transport, for example {@code local} or {@code ssh}
   */
  String name();

  /**
   * Starts a run. Failures to start (unknown node, no interpreter, connection refused) are reported
   * through the handle's result as {@link ExecutionResult.Outcome#FAILED_TO_START}, not thrown.
   *
   * @param request what to run where
   * @return the handle of the run
   */
  Execution execute(ExecutionRequest request);
}
