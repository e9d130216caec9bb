/** The evaluation of conditions (JSON paths, trigger fields): internal, not API, free to change. */
package io.scripttask.remediation.internal.condition;
