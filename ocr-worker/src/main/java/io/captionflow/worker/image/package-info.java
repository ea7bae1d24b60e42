/**
 * 8-bit gray images as the worker passes them between decoding, the median and OCR.
 */
package io.captionflow.worker.image;
