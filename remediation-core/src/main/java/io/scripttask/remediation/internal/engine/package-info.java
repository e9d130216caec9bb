/**
 * The workflow interpreter, its event dispatcher, trigger state and side effects. Not API: free to
 * change between releases.
 */
package io.scripttask.remediation.internal.engine;
