package io.captionflow.worker.frames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import io.captionflow.testsupport.IndexedVideo;
import io.captionflow.worker.image.GrayImage;
import org.bytedeco.ffmpeg.global.avcodec;

/**
 * Crafted and broken files of the kinds a hostile or careless client can put under the
 * media root, made from real videos: each a file a decoder must refuse with a reason
 * rather than crash on, hang on, or allocate for.
 */
public final class HostileFiles {

	private HostileFiles() {
	}

	/**
	 * The first half of a video: an MP4 written front to back loses its index (moov).
	 * @param video a real video
	 * @param file where to write
	 * @return the file
	 * @throws IOException when it cannot be written
	 */
	public static Path truncated(Path video, Path file) throws IOException {
		byte[] bytes = Files.readAllBytes(video);
		return Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
	}

	/**
	 * A video with random bytes written over a stretch in the middle of its H.264 stream.
	 * @param video a real video
	 * @param file where to write
	 * @return the file
	 * @throws IOException when it cannot be written
	 */
	public static Path corruptInTheMiddle(Path video, Path file) throws IOException {
		byte[] bytes = Files.readAllBytes(video);
		Random random = new Random(14);
		int from = bytes.length / 4;
		for (int i = from; i < from + bytes.length / 2; i++) {
			bytes[i] = (byte) random.nextInt(256);
		}
		return Files.write(file, bytes);
	}

	/**
	 * An empty file.
	 * @param file where to write
	 * @return the file
	 * @throws IOException when it cannot be written
	 */
	public static Path empty(Path file) throws IOException {
		return Files.write(file, new byte[0]);
	}

	/**
	 * A PNG picture, named as the caller likes (such as {@code .mp4}).
	 * @param file where to write
	 * @return the file
	 * @throws IOException when it cannot be written
	 */
	public static Path picture(Path file) throws IOException {
		byte[] pixels = new byte[64 * 64];
		Arrays.fill(pixels, (byte) 200);
		new GrayImage(64, 64, pixels).writePng(file);
		return file;
	}

	/**
	 * Text, named as the caller likes.
	 * @param file where to write
	 * @return the file
	 * @throws IOException when it cannot be written
	 */
	public static Path text(Path file) throws IOException {
		return Files.writeString(file, "this is not a video\n".repeat(100));
	}

	/**
	 * A real video wider than the largest accepted (7680): 7696x240, five frames.
	 * @param file where to write
	 * @return the file
	 * @throws IOException when it cannot be written
	 */
	public static Path tooWide(Path file) throws IOException {
		return new IndexedVideo(7696, 240, 5, 5, avcodec.AV_CODEC_ID_MPEG4, Map.of()).render(file);
	}

	/**
	 * A real video with a keyframe only at its start: reaching a frame near its end means
	 * decoding every frame before it.
	 * @param frames its frames
	 * @param file where to write
	 * @return the file
	 * @throws IOException when it cannot be written
	 */
	public static Path longGop(int frames, Path file) throws IOException {
		// MPEG-4 Part 2 keeps to the GOP size (openh264 adds a keyframe every 86 frames)
		return new IndexedVideo(480, 270, frames, frames, avcodec.AV_CODEC_ID_MPEG4,
				Map.of("sc_threshold", "1000000000"))
			.render(file);
	}

}
