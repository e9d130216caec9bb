/**
 * Internal time arithmetic shared by the triggers and maintenance windows (resolving local fire
 * times across daylight-saving transitions, wording durations); not API, free to change.
 */
package io.scripttask.scheduler.internal.time;
