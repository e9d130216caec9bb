/**
 * What adapters implement: the transports that run scripts on nodes, the node directory, the
 * stores, notifiers and event listeners. Implementations are registered explicitly with the
 * scheduler's builder.
 */
package io.scripttask.scheduler.spi;
