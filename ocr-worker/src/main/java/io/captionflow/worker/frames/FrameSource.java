package io.captionflow.worker.frames;

import java.nio.file.Path;
import java.util.List;

import io.captionflow.events.CropBox;
import io.captionflow.worker.image.GrayImage;

/**
 * Decodes the frames of a caption's range, cropped to its caption box, as 8-bit gray.
 */
public interface FrameSource extends AutoCloseable {

	/**
	 * Decodes the frames of a range, sampled evenly when there are more than
	 * {@code maxFrames}.
	 * @param video the video file
	 * @param range the frame range
	 * @param crop the caption box
	 * @param maxFrames the most frames to return
	 * @return the cropped gray frames, in order
	 * @throws FrameDecodingException when the video cannot be read or the range or crop
	 * does not fit it
	 */
	default List<GrayImage> decode(Path video, FrameRange range, CropBox crop, int maxFrames) {
		return decode(video, range, crop, maxFrames, (decoded, total) -> {
		});
	}

	/**
	 * Decodes the frames of a range, sampled evenly when there are more than
	 * {@code maxFrames}, telling a listener after each frame of the range.
	 * @param video the video file
	 * @param range the frame range
	 * @param crop the caption box
	 * @param maxFrames the most frames to return
	 * @param progress told the frames of the range decoded so far; it may throw to stop
	 * @return the cropped gray frames, in order
	 * @throws FrameDecodingException when the video cannot be read, breaks a limit, or
	 * the range or crop does not fit it
	 */
	List<GrayImage> decode(Path video, FrameRange range, CropBox crop, int maxFrames, Progress progress);

	/**
	 * Releases what the source holds open.
	 */
	@Override
	void close();

	/**
	 * Told how far decoding a range is.
	 */
	@FunctionalInterface
	interface Progress {

		/**
		 * A frame of the range was decoded.
		 * @param decoded frames of the range decoded so far
		 * @param total frames in the range
		 */
		void decoded(int decoded, int total);

	}

}
