/**
 * The scheduler's public API: the time model ({@link io.scripttask.scheduler.Cron}, the {@link
 * io.scripttask.scheduler.Trigger} kinds and {@link io.scripttask.scheduler.MaintenanceWindow}),
 * priorities, and the exceptions thrown for bad input.
 *
 * <p>Everything here is immutable and thread-safe once built. Time is always passed in by the
 * caller (a {@link java.time.ZonedDateTime} or an {@link java.time.Instant} read from the one
 * injected {@link java.time.Clock}); nothing in this package reads the wall clock.
 */
package io.scripttask.scheduler;
