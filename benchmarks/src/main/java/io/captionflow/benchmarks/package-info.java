/**
 * Benchmarks that measure the median, text isolation, the worker, saves and the SSE
 * broadcast; they report numbers and assert nothing.
 */
@NullMarked
package io.captionflow.benchmarks;

import org.jspecify.annotations.NullMarked;
