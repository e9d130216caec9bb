/** Event delivery: asynchronous, in order per listener, failures isolated. Not API. */
package io.scripttask.scheduler.internal.events;
