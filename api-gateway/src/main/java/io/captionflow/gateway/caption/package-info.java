/**
 * Captions of a video: reading them, saving their frame extents optimistically (queued at
 * once, the OCR request in the outbox of the same transaction), and applying OCR results.
 */
package io.captionflow.gateway.caption;
