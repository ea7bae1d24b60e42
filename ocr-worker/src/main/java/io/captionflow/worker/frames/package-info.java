/**
 * Decoding exactly a caption's frame range of a video, cropped to its caption box, and
 * resolving media locations safely under the media root.
 */
package io.captionflow.worker.frames;
