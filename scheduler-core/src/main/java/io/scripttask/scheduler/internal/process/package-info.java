/**
 * Running scripts as local operating-system processes for {@link
 * io.scripttask.scheduler.LocalProcessTransport}: rendering a script for its interpreter, capturing
 * head and tail of its output, killing its process tree; not API, free to change.
 */
package io.scripttask.scheduler.internal.process;
