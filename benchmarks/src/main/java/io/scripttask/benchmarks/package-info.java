/**
 * JMH benchmarks that measure {@link io.scripttask.scheduler.Cron} side by side with the cron
 * implementations a user would otherwise pick (Spring, Quartz, cron-utils, JobRunr). Not published;
 * see {@code docs/BENCHMARKS.md} for the commands and the figures.
 */
package io.scripttask.benchmarks;
