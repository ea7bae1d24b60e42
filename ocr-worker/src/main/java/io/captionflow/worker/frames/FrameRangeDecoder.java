package io.captionflow.worker.frames;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.captionflow.events.CropBox;
import io.captionflow.worker.image.GrayImage;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes exactly the frames of a range with FFmpeg, as 8-bit gray, cropped to a caption
 * box. It seeks to the keyframe before the range and decodes forward, so the first frame
 * returned is the range's first frame.
 */
public final class FrameRangeDecoder {

	static {
		avutil.av_log_set_level(avutil.AV_LOG_ERROR);
	}

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
	public List<GrayImage> decode(Path video, FrameRange range, CropBox crop, int maxFrames) {
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
	 * @throws FrameDecodingException when the video cannot be read or the range or crop
	 * does not fit it
	 */
	public List<GrayImage> decode(Path video, FrameRange range, CropBox crop, int maxFrames, Progress progress) {
		try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
			grabber.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
			start(grabber, video);
			int frameCount = grabber.getLengthInVideoFrames();
			if (range.end() >= frameCount) {
				throw new FrameDecodingException("frame range " + range.start() + ".." + range.end()
						+ " is outside the video, which has frames 0.." + (frameCount - 1));
			}
			if (!crop.fitsWithin(grabber.getImageWidth(), grabber.getImageHeight())) {
				throw new FrameDecodingException("crop box " + crop.x() + "," + crop.y() + " " + crop.width() + "x"
						+ crop.height() + " does not fit the " + grabber.getImageWidth() + "x"
						+ grabber.getImageHeight() + " video");
			}
			int[] wanted = range.sample(maxFrames);
			List<GrayImage> frames = new ArrayList<>(wanted.length);
			grabber.setVideoFrameNumber(range.start());
			int next = range.start();
			for (int index : wanted) {
				Frame frame = null;
				while (next <= index) {
					frame = grabber.grabImage();
					if (frame == null) {
						throw new FrameDecodingException(
								"the video ended at frame " + next + ", before frame " + range.end());
					}
					next++;
					progress.decoded(next - range.start(), range.length());
				}
				frames.add(crop(frame, crop));
			}
			return frames;
		}
		catch (FrameGrabber.Exception ex) {
			throw new FrameDecodingException("cannot decode video '" + video.getFileName() + "': " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Reads a video's size, frame rate and frame count.
	 * @param video the video file
	 * @return what the container says
	 */
	public VideoFacts probe(Path video) {
		try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
			start(grabber, video);
			return new VideoFacts(grabber.getImageWidth(), grabber.getImageHeight(), grabber.getFrameRate(),
					grabber.getLengthInVideoFrames());
		}
		catch (FrameGrabber.Exception ex) {
			throw new FrameDecodingException("cannot read video '" + video.getFileName() + "': " + ex.getMessage(), ex);
		}
	}

	private static void start(FFmpegFrameGrabber grabber, Path video) throws FrameGrabber.Exception {
		try {
			grabber.start();
		}
		catch (FrameGrabber.Exception ex) {
			throw new FrameDecodingException("'" + video.getFileName() + "' is not a readable video", ex);
		}
		if (grabber.getLengthInVideoFrames() <= 0 || grabber.getImageWidth() <= 0) {
			throw new FrameDecodingException("'" + video.getFileName() + "' has no video stream");
		}
	}

	private static GrayImage crop(Frame frame, CropBox crop) {
		ByteBuffer data = (ByteBuffer) frame.image[0];
		int stride = frame.imageStride;
		byte[] pixels = new byte[crop.width() * crop.height()];
		for (int row = 0; row < crop.height(); row++) {
			data.get((crop.y() + row) * stride + crop.x(), pixels, row * crop.width(), crop.width());
		}
		return new GrayImage(crop.width(), crop.height(), pixels);
	}

	/**
	 * Told how far decoding a range is.
	 */
	@FunctionalInterface
	public interface Progress {

		/**
		 * A frame of the range was decoded.
		 * @param decoded frames of the range decoded so far
		 * @param total frames in the range
		 */
		void decoded(int decoded, int total);

	}

	/**
	 * What a video container says about its video stream.
	 *
	 * @param width frame width
	 * @param height frame height
	 * @param fps frames per second
	 * @param frameCount number of frames
	 */
	public record VideoFacts(int width, int height, double fps, int frameCount) {
	}

}
