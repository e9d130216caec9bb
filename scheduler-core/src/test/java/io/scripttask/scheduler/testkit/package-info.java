/**
 * The test kit shipped in scheduler-core's {@code tests} jar: contract suites that every adapter's
 * tests extend (such as {@link io.scripttask.scheduler.testkit.TransportContract}), so that all
 * adapters keep the promises of the SPI in the same way.
 */
package io.scripttask.scheduler.testkit;
