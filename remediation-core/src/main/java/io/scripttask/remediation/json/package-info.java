/**
 * Reads and writes workflows as JSON in the MeshCentral ScriptTask seed's format ({@link
 * io.scripttask.remediation.json.WorkflowJson}).
 */
package io.scripttask.remediation.json;
