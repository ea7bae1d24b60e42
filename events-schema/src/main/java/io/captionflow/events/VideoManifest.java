package io.captionflow.events;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A video file described for import: written beside the video as
 * {@code <name>.video.json} by whatever produced it (the demo generator, an ingest job)
 * and read by the gateway, which registers the video and its predicted captions.
 *
 * @param id the video id, unique
 * @param title a title for people
 * @param media location of the video relative to the media root
 * @param fps frames per second
 * @param frameCount number of frames
 * @param width frame width
 * @param height frame height
 * @param crop where the captions sit
 * @param language Tesseract language code of the captions
 * @param captions predicted captions, in frame order
 */
public record VideoManifest(String id, String title, String media, double fps, int frameCount, int width, int height,
		CropBox crop, String language, List<PredictedCaption> captions) {

	/** The file name suffix of manifests. */
	public static final String SUFFIX = ".video.json";

	public VideoManifest {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(media, "media");
		Objects.requireNonNull(crop, "crop");
		title = (title != null) ? title : id;
		language = (language != null) ? language : "eng";
		captions = (captions != null) ? List.copyOf(captions) : List.of();
	}

	/**
	 * A caption predicted by whatever produced the manifest.
	 *
	 * @param startFrameIndex first frame, inclusive
	 * @param endFrameIndex last frame, inclusive
	 * @param text the text shown, when the producer knows it (a generated video does);
	 * not imported as the caption's text, which OCR and annotators provide
	 */
	public record PredictedCaption(int startFrameIndex, int endFrameIndex, @Nullable String text) {
	}

}
