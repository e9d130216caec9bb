/**
 * The cron engine behind {@link io.scripttask.scheduler.Cron}: the parser, the compiled bit-set
 * evaluator, the zone timelines that give it daylight-saving semantics, and the describer.
 * Internal: not API, free to change between releases.
 */
package io.scripttask.scheduler.internal.cron;
