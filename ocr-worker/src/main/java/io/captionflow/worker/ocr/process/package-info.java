/**
 * Tesseract in a pool of supervised child processes that each keep their engines loaded,
 * and the protocol the worker speaks with them.
 */
// a named interface: Spring Modulith keeps a module's sub-packages internal, and intake
// wires the pool in as the caption reader's recognizer
@NamedInterface("process")
@NullMarked
package io.captionflow.worker.ocr.process;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.NamedInterface;
