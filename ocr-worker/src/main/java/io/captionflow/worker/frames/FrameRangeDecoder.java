package io.captionflow.worker.frames;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.captionflow.events.CropBox;
import io.captionflow.events.WorkLimits;
import io.captionflow.worker.image.GrayImage;
import org.bytedeco.ffmpeg.avformat.AVIndexEntry;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.jspecify.annotations.Nullable;

/**
 * Decodes exactly the frames of a range with FFmpeg, as 8-bit gray, cropped to a caption
 * box. It seeks to the keyframe before the range and decodes forward, so the first frame
 * returned is the range's first frame.
 * <p>
 * Gray is the luma plane. For the usual 8-bit YUV videos it is read from the decoded
 * picture and range-expanded in the crop only, exactly as swscale's whole-frame GRAY8
 * conversion would have done it (1.4 ms a 1080p frame saved); other pixel formats go
 * through swscale. By default FFmpeg picks its decoding threads itself: on 2 cores that
 * beat one thread for a 14-frame range at 1080p (seek 81 ms and frames 26 ms, against 101
 * ms and 41 ms).
 * <p>
 * Each thread keeps the last video it read open (about 30 ms saved for 1080p H.264), as
 * the requests of one video arrive on one partition and so usually on one thread; it is
 * reopened when the file's size or modification time changed, and after any failure.
 * Instances are safe for use by several threads.
 * <p>
 * Videos are untrusted input, so before a frame is decoded the file is held to
 * {@link Options}: read through FFmpeg's {@code file} protocol only, by one of the
 * accepted demuxers, probing a bounded number of bytes; and the {@link WorkLimits}: the
 * video's size, rate and length, the range, the crop box and the frames to decode from
 * the keyframe before the range, as far as the container's index tells them. This class
 * runs in-process; the worker runs it in supervised child processes
 * ({@link DecoderProcessPool}), so that a crash of FFmpeg costs one caption.
 */
public final class FrameRangeDecoder implements FrameSource {

	static {
		avutil.av_log_set_level(avutil.AV_LOG_ERROR);
	}

	/** avformat_open_input's error when the demuxer is not on the format whitelist. */
	private static final int NOT_ON_WHITELIST = -22;

	private final boolean readLuma;

	private final Options options;

	private final ThreadLocal<OpenVideo> current = new ThreadLocal<>();

	private final Set<OpenVideo> opened = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a decoder that reads the luma plane where it can and lets FFmpeg choose its
	 * threads.
	 */
	public FrameRangeDecoder() {
		this(Options.DEFAULTS);
	}

	/**
	 * Creates a decoder that reads the luma plane where it can.
	 * @param options its threads, limits and what it accepts
	 */
	public FrameRangeDecoder(Options options) {
		this(true, options);
	}

	FrameRangeDecoder(boolean readLuma, Options options) {
		this.readLuma = readLuma;
		this.options = options;
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
	@Override
	public List<GrayImage> decode(Path video, FrameRange range, CropBox crop, int maxFrames, Progress progress) {
		OpenVideo open = open(video);
		boolean done = false;
		try {
			FFmpegFrameGrabber grabber = open.grabber();
			int frameCount = grabber.getLengthInVideoFrames();
			refuse(this.options.limits()
				.checkVideo(grabber.getImageWidth(), grabber.getImageHeight(), grabber.getFrameRate(), frameCount)
				.map((violation) -> new WorkLimits.Violation(violation.field(),
						"video '" + video.getFileName() + "' " + violation.message())));
			if (range.end() >= frameCount) {
				throw new FrameDecodingException("frame range " + range.start() + ".." + range.end()
						+ " is outside the video, which has frames 0.." + (frameCount - 1));
			}
			refuse(this.options.limits().checkRange(range.start(), range.end(), frameCount));
			refuse(this.options.limits().checkCrop(crop, grabber.getImageWidth(), grabber.getImageHeight()));
			refusePreRoll(grabber, range);
			int[] wanted = range.sample(maxFrames);
			List<GrayImage> frames = new ArrayList<>(wanted.length);
			grabber.setVideoFrameNumber(range.start());
			int next = range.start();
			for (int index : wanted) {
				// the sample rises strictly from the range's start: each index takes a
				// grab
				Frame frame;
				do {
					frame = grabber.grabImage();
					if (frame == null) {
						throw new FrameDecodingException(
								"the video ended at frame " + next + ", before frame " + range.end());
					}
					checkIndex(frame, grabber.getFrameRate(), open.videoStart(), next, video);
					next++;
					progress.decoded(next - range.start(), range.length());
				}
				while (next <= index);
				frames.add(crop(frame, crop, open.luma()));
			}
			done = true;
			return frames;
		}
		catch (FrameGrabber.Exception ex) {
			throw new FrameDecodingException("cannot decode video '" + video.getFileName() + "': " + ex.getMessage(),
					ex);
		}
		finally {
			if (!done) {
				// whatever went wrong, the next range starts from a freshly opened video
				forget(open);
			}
		}
	}

	/**
	 * Refuses a frame that is not the one expected: FFmpeg conceals the damage of a
	 * corrupt stream and skips what it cannot decode, and counting frames alone would
	 * then silently return the wrong ones.
	 */
	private static void checkIndex(Frame frame, double fps, long videoStart, int expected, Path video) {
		long index = Math.round((frame.timestamp - videoStart) * fps / 1_000_000);
		if (index != expected) {
			throw new FrameDecodingException("video '" + video.getFileName() + "' is corrupt: frame " + expected
					+ " could not be decoded (the decoder returned frame " + index + " in its place)");
		}
	}

	private static void refuse(Optional<WorkLimits.Violation> violation) {
		if (violation.isPresent()) {
			throw new FrameDecodingException(violation.get().message());
		}
	}

	/**
	 * Refuses a range whose decoding, from the keyframe before it, would take more frames
	 * than the limit allows, as far as the container's index says where that keyframe is.
	 * Without an index the decode timeout bounds the work.
	 */
	private void refusePreRoll(FFmpegFrameGrabber grabber, FrameRange range) {
		int keyframe = keyframeAtOrBefore(grabber, range.start());
		if (keyframe < 0) {
			return;
		}
		long decoded = (long) range.end() - keyframe + 1;
		int limit = this.options.limits().maxDecodedFrames();
		if (decoded > limit) {
			throw new FrameDecodingException("frames " + range.start() + ".." + range.end() + " need " + decoded
					+ " frames decoded from the keyframe at frame " + keyframe + "; max-decoded-frames is " + limit);
		}
	}

	/**
	 * The frame index of the last keyframe at or before a frame, from the container's
	 * index.
	 * @return the keyframe's index, or -1 when the container has no index
	 */
	static int keyframeAtOrBefore(FFmpegFrameGrabber grabber, int frame) {
		AVStream stream = grabber.getFormatContext().streams(grabber.getVideoStream());
		double fps = grabber.getFrameRate();
		if (stream == null || !(fps > 0) || stream.time_base().num() <= 0 || stream.time_base().den() <= 0) {
			return -1;
		}
		double timeBase = (double) stream.time_base().num() / stream.time_base().den();
		long start = (stream.start_time() != avutil.AV_NOPTS_VALUE) ? stream.start_time() : 0;
		long target = start + (long) Math.floor((frame + 0.5) / fps / timeBase);
		int entry = avformat.av_index_search_timestamp(stream, target, avformat.AVSEEK_FLAG_BACKWARD);
		if (entry < 0) {
			return -1;
		}
		AVIndexEntry keyframe = avformat.avformat_index_get_entry(stream, entry);
		if (keyframe == null) {
			return -1;
		}
		long index = Math.round((keyframe.timestamp() - start) * timeBase * fps);
		return Math.clamp(index, 0, frame);
	}

	/**
	 * Closes the videos kept open, for when the decoder is no longer used.
	 */
	@Override
	public void close() {
		this.opened.forEach(FrameRangeDecoder::closeQuietly);
		this.opened.clear();
	}

	private OpenVideo open(Path video) {
		FileFacts facts = FileFacts.of(video);
		OpenVideo open = this.current.get();
		if (open != null && open.path().equals(video) && open.facts().equals(facts)) {
			return open;
		}
		if (open != null) {
			forget(open);
		}
		FFmpegFrameGrabber grabber = grabber(video);
		try {
			Luma luma = null;
			if (this.readLuma) {
				grabber.setImageMode(FrameGrabber.ImageMode.RAW);
				start(grabber, video);
				luma = Luma.of(grabber.getPixelFormat());
				if (luma == null) {
					grabber.stop();
				}
			}
			if (luma == null) {
				grabber.setImageMode(FrameGrabber.ImageMode.GRAY);
				grabber.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
				start(grabber, video);
				luma = Luma.FULL_RANGE;
			}
			open = new OpenVideo(video, facts, grabber, luma, videoStart(grabber));
		}
		catch (FrameGrabber.Exception | RuntimeException ex) {
			closeQuietly(grabber);
			if (ex instanceof FrameDecodingException decoding) {
				throw decoding;
			}
			throw new FrameDecodingException("cannot decode video '" + video.getFileName() + "': " + ex.getMessage(),
					ex);
		}
		this.current.set(open);
		this.opened.add(open);
		return open;
	}

	private void forget(OpenVideo open) {
		this.current.remove();
		this.opened.remove(open);
		closeQuietly(open);
	}

	private static void closeQuietly(OpenVideo open) {
		closeQuietly(open.grabber());
	}

	private static void closeQuietly(FFmpegFrameGrabber grabber) {
		try {
			grabber.close();
		}
		catch (FrameGrabber.Exception | RuntimeException ex) {
			// nothing more can be done for it
		}
	}

	/**
	 * A grabber held to the options: the file protocol only, the accepted demuxers, a
	 * bounded probe.
	 */
	private FFmpegFrameGrabber grabber(Path video) {
		FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toAbsolutePath().toString());
		grabber.setOption("protocol_whitelist", "file");
		grabber.setOption("format_whitelist", String.join(",", this.options.containers()));
		grabber.setOption("probesize", Long.toString(this.options.probeSize()));
		grabber.setOption("analyzeduration", Long.toString(this.options.analyzeDuration().toNanos() / 1000));
		if (this.options.threads() > 0) {
			grabber.setVideoOption("threads", Integer.toString(this.options.threads()));
		}
		return grabber;
	}

	/**
	 * Reads a video's size, frame rate and frame count.
	 * @param video the video file
	 * @return what the container says
	 */
	public VideoFacts probe(Path video) {
		try (FFmpegFrameGrabber grabber = grabber(video)) {
			start(grabber, video);
			return new VideoFacts(grabber.getImageWidth(), grabber.getImageHeight(), grabber.getFrameRate(),
					grabber.getLengthInVideoFrames());
		}
		catch (FrameGrabber.Exception ex) {
			throw new FrameDecodingException("cannot read video '" + video.getFileName() + "': " + ex.getMessage(), ex);
		}
	}

	private void start(FFmpegFrameGrabber grabber, Path video) throws FrameGrabber.Exception {
		try {
			grabber.start();
		}
		catch (FrameGrabber.Exception ex) {
			if (ex.getMessage() != null && ex.getMessage().contains("error " + NOT_ON_WHITELIST + ":")) {
				throw new FrameDecodingException(
						"'" + video.getFileName() + "' is not a video in an accepted container ("
								+ String.join(", ", this.options.containers()) + ")",
						ex);
			}
			throw new FrameDecodingException("'" + video.getFileName() + "' is not a readable video", ex);
		}
		if (grabber.getLengthInVideoFrames() <= 0 || grabber.getImageWidth() <= 0) {
			throw new FrameDecodingException("'" + video.getFileName() + "' has no video stream");
		}
	}

	private static GrayImage crop(Frame frame, CropBox crop, Luma luma) {
		ByteBuffer data = (ByteBuffer) frame.image[0];
		int stride = frame.imageStride;
		byte[] pixels = new byte[Math.toIntExact(crop.area())];
		for (int row = 0; row < crop.height(); row++) {
			data.get((crop.y() + row) * stride + crop.x(), pixels, row * crop.width(), crop.width());
		}
		luma.toGray(pixels);
		return new GrayImage(crop.width(), crop.height(), pixels);
	}

	/**
	 * How the first plane of a decoded picture maps to 8-bit gray.
	 */
	private enum Luma {

		/** Already full-range gray: JPEG-range YUV, or swscale's GRAY8. */
		FULL_RANGE {
			@Override
			void toGray(byte[] pixels) {
			}
		},

		/** Video-range luma, 16..235, expanded to 0..255 as swscale does. */
		VIDEO_RANGE {
			@Override
			void toGray(byte[] pixels) {
				for (int i = 0; i < pixels.length; i++) {
					pixels[i] = EXPAND[pixels[i] & 0xFF];
				}
			}
		};

		private static final byte[] EXPAND = new byte[256];

		static {
			for (int y = 0; y < 256; y++) {
				EXPAND[y] = (byte) Math.clamp(Math.floorDiv((y - 16) * 255 + 109, 219), 0, 255);
			}
		}

		abstract void toGray(byte[] pixels);

		/**
		 * The mapping for a pixel format whose first plane is 8-bit luma.
		 * @param pixelFormat the decoder's pixel format
		 * @return the mapping, or null when the format needs swscale
		 */
		static @Nullable Luma of(int pixelFormat) {
			return switch (pixelFormat) {
				case avutil.AV_PIX_FMT_YUV420P, avutil.AV_PIX_FMT_YUV422P, avutil.AV_PIX_FMT_YUV444P,
						avutil.AV_PIX_FMT_NV12, avutil.AV_PIX_FMT_NV21 ->
					VIDEO_RANGE;
				case avutil.AV_PIX_FMT_YUVJ420P, avutil.AV_PIX_FMT_YUVJ422P, avutil.AV_PIX_FMT_YUVJ444P,
						avutil.AV_PIX_FMT_GRAY8 ->
					FULL_RANGE;
				default -> null;
			};
		}

	}

	/**
	 * What a decoder accepts and how it decodes.
	 *
	 * @param threads FFmpeg decoding threads per video; 0 lets FFmpeg choose
	 * @param limits the limits a video and a request are held to before decoding
	 * @param probeSize the most bytes FFmpeg reads to find the streams
	 * @param analyzeDuration the most media time FFmpeg reads to find the streams
	 * @param containers FFmpeg demuxers accepted, such as {@code mov} or {@code matroska}
	 */
	public record Options(int threads, WorkLimits limits, long probeSize, Duration analyzeDuration,
			List<String> containers) {

		/**
		 * The accepted containers by default: MP4/MOV, Matroska/WebM, AVI, MPEG-TS, FLV.
		 */
		public static final List<String> CONTAINERS = List.of("mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska",
				"webm", "avi", "mpegts", "flv");

		/** FFmpeg's threads, the default limits and containers, a 5 MB and 5 s probe. */
		public static final Options DEFAULTS = new Options(0, WorkLimits.DEFAULTS, 5_000_000, Duration.ofSeconds(5),
				CONTAINERS);

		public Options {
			if (threads < 0) {
				throw new IllegalArgumentException("threads must be 0 (FFmpeg's choice) or more");
			}
			if (probeSize < 32 || analyzeDuration.isNegative() || containers.isEmpty()) {
				throw new IllegalArgumentException("the probe size must be at least 32 bytes, the analyze duration "
						+ "not negative and at least one container accepted");
			}
			for (String container : containers) {
				if (!container.matches("[a-z0-9_]+")) {
					throw new IllegalArgumentException("'" + container + "' is not an FFmpeg demuxer name");
				}
			}
			containers = List.copyOf(containers);
		}

		/**
		 * These options with other decoding threads.
		 * @param threads FFmpeg decoding threads; 0 lets FFmpeg choose
		 * @return the options
		 */
		public Options withThreads(int threads) {
			return new Options(threads, this.limits, this.probeSize, this.analyzeDuration, this.containers);
		}

	}

	/**
	 * When the video stream starts, in microseconds: frame timestamps count from it, as
	 * JavaCV's seek to a frame number does.
	 */
	private static long videoStart(FFmpegFrameGrabber grabber) {
		AVStream stream = grabber.getFormatContext().streams(grabber.getVideoStream());
		if (stream == null || stream.start_time() == avutil.AV_NOPTS_VALUE || stream.time_base().den() <= 0) {
			return 0;
		}
		return 1_000_000L * stream.start_time() * stream.time_base().num() / stream.time_base().den();
	}

	/**
	 * A video kept open.
	 *
	 * @param path the file
	 * @param facts its size and modification time when opened
	 * @param grabber the open grabber
	 * @param luma how its pictures map to gray
	 * @param videoStart when its video stream starts, in microseconds
	 */
	private record OpenVideo(Path path, FileFacts facts, FFmpegFrameGrabber grabber, Luma luma, long videoStart) {
	}

	private record FileFacts(long size, FileTime modified) {

		static FileFacts of(Path video) {
			try {
				BasicFileAttributes attributes = Files.readAttributes(video, BasicFileAttributes.class);
				return new FileFacts(attributes.size(), attributes.lastModifiedTime());
			}
			catch (IOException ex) {
				throw new FrameDecodingException("'" + video.getFileName() + "' is not a readable video", ex);
			}
		}

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
