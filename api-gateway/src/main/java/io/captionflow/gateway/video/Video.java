package io.captionflow.gateway.video;

import io.captionflow.events.CropBox;

/**
 * A video as the API shows it, and as other modules learn of it through {@link Videos}.
 *
 * @param id video id
 * @param title title
 * @param media location of the file under the media root
 * @param fps frames per second
 * @param frameCount number of frames
 * @param width frame width
 * @param height frame height
 * @param crop the caption box
 * @param language Tesseract language code of its captions
 */
public record Video(String id, String title, String media, double fps, int frameCount, int width, int height,
		CropBox crop, String language) {
}
