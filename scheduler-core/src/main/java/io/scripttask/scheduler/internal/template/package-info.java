/**
 * Shell quoting and {@code #name#} template rendering behind {@link
 * io.scripttask.scheduler.Variables#render}: one quoting rule per {@link
 * io.scripttask.scheduler.Shell} ({@link io.scripttask.scheduler.internal.template.Quoting}) and,
 * per shell, a scanner that follows the shell's quoting and comments well enough to substitute
 * placeholders only where the shell reads code; not API, free to change.
 */
package io.scripttask.scheduler.internal.template;
