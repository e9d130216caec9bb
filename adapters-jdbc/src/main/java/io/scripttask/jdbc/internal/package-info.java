/**
 * The JDBC stores' implementation: SQL, codecs, migrations. Not API, free to change between any two
 * releases; never import it.
 */
package io.scripttask.jdbc.internal;
