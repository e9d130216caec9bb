/** The scheduler's engine loop (fire, dispatch, complete); internal, not API, free to change. */
package io.scripttask.scheduler.internal.engine;
