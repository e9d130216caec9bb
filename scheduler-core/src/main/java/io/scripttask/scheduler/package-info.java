/**
 * The scheduler's public API.
 *
 * <ul>
 *   <li>The time model: {@link io.scripttask.scheduler.Cron}, the {@link
 *       io.scripttask.scheduler.Trigger} kinds, {@link io.scripttask.scheduler.MaintenanceWindow}
 *       and {@link io.scripttask.scheduler.MaintenanceCalendar}.
 *   <li>What runs where: {@link io.scripttask.scheduler.Script}, {@link
 *       io.scripttask.scheduler.Node}, {@link io.scripttask.scheduler.Target} and {@link
 *       io.scripttask.scheduler.Variables}.
 *   <li>What is stored: {@link io.scripttask.scheduler.ScheduleSpec}, {@link
 *       io.scripttask.scheduler.Schedule} and {@link io.scripttask.scheduler.Job}, with the
 *       in-memory implementations of the SPIs ({@link
 *       io.scripttask.scheduler.InMemorySchedulerStore}, {@link
 *       io.scripttask.scheduler.InMemoryNodeDirectory}) and {@link
 *       io.scripttask.scheduler.LocalProcessTransport}.
 *   <li>The exceptions: {@link io.scripttask.scheduler.ValidationException} for bad input (an
 *       {@link java.lang.IllegalArgumentException} naming the field, the rule and the value) and
 *       {@link io.scripttask.scheduler.SchedulerException} for the scheduler's own failures.
 * </ul>
 *
 * <p>Values are immutable and thread-safe once built. Time is always passed in by the caller (a
 * {@link java.time.ZonedDateTime} or an {@link java.time.Instant} read from the one injected {@link
 * java.time.Clock}); nothing in this package reads the wall clock.
 */
package io.scripttask.scheduler;
