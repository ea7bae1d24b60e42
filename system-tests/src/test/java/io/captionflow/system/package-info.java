/**
 * End-to-end tests of the whole pipeline: a real KRaft broker, the gateway and the
 * worker, the real Tesseract, generated videos.
 */
package io.captionflow.system;
