/**
 * Decoding exactly a caption's frame range of a video, cropped to its caption box, in
 * supervised child processes held to the work limits, and resolving media locations
 * safely, by their real paths, under the media root.
 */
@ApplicationModule(allowedDependencies = { "image", "sandbox" })
@NullMarked
package io.captionflow.worker.frames;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
