/**
 * The engine's implementation: not API, free to change between any two releases; never import it.
 */
package io.scripttask.scheduler.internal;
