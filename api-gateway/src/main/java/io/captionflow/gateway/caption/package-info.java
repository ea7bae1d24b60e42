/**
 * Captions of a video and their tables: reading them, saving their frame extents
 * optimistically (queued at once, the OCR request in the outbox of the same transaction),
 * their stats, and applying OCR results ({@link CaptionOcrResults}, the module's API).
 */
@ApplicationModule(allowedDependencies = { "video", "notify", "outbox", "web" })
@NullMarked
package io.captionflow.gateway.caption;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
