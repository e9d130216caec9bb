/** Samples: a plain Java host application that uses the library. */
package io.scripttask.samples;
