/**
 * Renders test and demo videos with burned-in captions over moving backgrounds, and the
 * manifests the gateway imports them with, for the tests, the benchmarks and make run.
 */
@NullMarked
package io.captionflow.testsupport;

import org.jspecify.annotations.NullMarked;
