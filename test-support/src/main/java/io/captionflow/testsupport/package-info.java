/**
 * Renders test and demo videos with burned-in captions over moving backgrounds, and the
 * manifests the gateway imports them with, for the tests, the benchmarks and make run;
 * and videos whose frames carry their own index, to check that a decoder or a page lands
 * on exactly the frame it was asked for.
 */
@NullMarked
package io.captionflow.testsupport;

import org.jspecify.annotations.NullMarked;
