/**
 * The JDBC remediation store's implementation: its document codecs. Not API, free to change between
 * any two releases; never import it.
 */
package io.scripttask.jdbc.internal.remediation;
