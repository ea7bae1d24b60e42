package io.captionflow.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A caption's frame extents were saved: its median frame must be computed and read.
 *
 * @param schemaVersion schema version, {@link #SCHEMA_VERSION}
 * @param eventId unique id of this request; the worker's flow events name it as their
 * request id
 * @param videoId the video
 * @param captionId the caption
 * @param revision the caption revision this request was made for; results for older
 * revisions are not applied
 * @param startFrameIndex first frame, inclusive, 0-based
 * @param endFrameIndex last frame, inclusive
 * @param crop the caption region
 * @param language Tesseract language code, such as {@code eng} or {@code chi_sim}
 * @param media location of the video file relative to the worker's media root
 * @param requestedAt when the save happened
 */
public record CaptionOcrRequested(int schemaVersion, UUID eventId, String videoId, long captionId, long revision,
		int startFrameIndex, int endFrameIndex, CropBox crop, String language, String media,
		Instant requestedAt) implements VersionedEvent {

	/** The schema version this code writes. */
	public static final int SCHEMA_VERSION = 1;

	public CaptionOcrRequested {
		Objects.requireNonNull(eventId, "eventId");
		Objects.requireNonNull(videoId, "videoId");
		Objects.requireNonNull(crop, "crop");
		Objects.requireNonNull(language, "language");
		Objects.requireNonNull(media, "media");
		Objects.requireNonNull(requestedAt, "requestedAt");
	}

	/**
	 * A request in the current schema version.
	 * @param eventId unique id of this request
	 * @param videoId the video
	 * @param captionId the caption
	 * @param revision caption revision
	 * @param startFrameIndex first frame, inclusive
	 * @param endFrameIndex last frame, inclusive
	 * @param crop caption region
	 * @param language Tesseract language code
	 * @param media location of the video under the media root
	 * @param requestedAt when the save happened
	 * @return the request
	 */
	public static CaptionOcrRequested of(UUID eventId, String videoId, long captionId, long revision,
			int startFrameIndex, int endFrameIndex, CropBox crop, String language, String media, Instant requestedAt) {
		return new CaptionOcrRequested(SCHEMA_VERSION, eventId, videoId, captionId, revision, startFrameIndex,
				endFrameIndex, crop, language, media, requestedAt);
	}

	@Override
	public int supportedSchemaVersion() {
		return SCHEMA_VERSION;
	}

	/**
	 * The number of frames in the requested range.
	 * @return frame count
	 */
	public long frameCount() {
		// long: a crafted request may span the whole int range
		return (long) this.endFrameIndex - this.startFrameIndex + 1;
	}

}
