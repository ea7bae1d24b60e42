package io.captionflow.testsupport;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntBinaryOperator;

import io.captionflow.events.CropBox;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * A test video whose frames carry their own index: a row of black and white blocks, one
 * bit each, drawn over a gradient that changes every frame so the encoder cannot repeat a
 * frame. Reading the blocks of a decoded frame says which frame it is.
 *
 * @param width frame width
 * @param height frame height
 * @param frames frame count
 * @param gopSize frames between keyframes
 * @param codec the FFmpeg encoder
 * @param options encoder options (for example {@code bf} for B-frames)
 */
public record IndexedVideo(int width, int height, int frames, int gopSize, int codec, Map<String, String> options) {

	/** Bits of the index, one block each, least significant first. */
	public static final int BITS = 12;

	/** Width and height of a bit block. */
	public static final int BLOCK = 20;

	/** Where the bit blocks are: the caption box a decoder is asked for. */
	public static final CropBox BITS_BOX = new CropBox(40, 200, BITS * BLOCK, BLOCK);

	/** H.264 (openh264, the bundled encoder): I- and P-frames. */
	public static IndexedVideo h264(int frames, int gopSize) {
		return new IndexedVideo(480, 270, frames, gopSize, avcodec.AV_CODEC_ID_H264, Map.of());
	}

	/**
	 * MPEG-4 Part 2 with two B-frames between references: presentation order differs from
	 * decoding order.
	 */
	public static IndexedVideo mpeg4WithBFrames(int frames, int gopSize) {
		return new IndexedVideo(480, 270, frames, gopSize, avcodec.AV_CODEC_ID_MPEG4, Map.of("bf", "2"));
	}

	/**
	 * Renders the video.
	 * @param file where to write it
	 * @return the file
	 * @throws IOException when it cannot be written
	 */
	public Path render(Path file) throws IOException {
		try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), this.width, this.height, 0);
				Java2DFrameConverter converter = new Java2DFrameConverter()) {
			recorder.setFormat("mp4");
			recorder.setVideoCodec(this.codec);
			recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
			recorder.setFrameRate(25);
			recorder.setGopSize(this.gopSize);
			recorder.setVideoBitrate(2_000_000);
			this.options.forEach(recorder::setVideoOption);
			recorder.start();
			BufferedImage canvas = new BufferedImage(this.width, this.height, BufferedImage.TYPE_3BYTE_BGR);
			for (int index = 0; index < this.frames; index++) {
				draw(canvas, index);
				recorder.record(converter.convert(canvas));
			}
			recorder.stop();
		}
		catch (FrameRecorder.Exception ex) {
			throw new IOException(ex);
		}
		return file;
	}

	private void draw(BufferedImage canvas, int index) {
		Graphics2D g = canvas.createGraphics();
		try {
			for (int x = 0; x < this.width; x += 8) {
				g.setColor(new Color((x + index * 5) % 256, (index * 3) % 256, 96));
				g.fillRect(x, 0, 8, this.height);
			}
			for (int bit = 0; bit < BITS; bit++) {
				g.setColor(((index >> bit) & 1) == 1 ? Color.WHITE : Color.BLACK);
				g.fillRect(BITS_BOX.x() + bit * BLOCK, BITS_BOX.y(), BLOCK, BLOCK);
			}
		}
		finally {
			g.dispose();
		}
	}

	/**
	 * The index a frame cropped to {@link #BITS_BOX} carries.
	 * @param grey the crop's grey level (0 to 255) at a column and row
	 * @return the frame's index
	 */
	public static int indexOf(IntBinaryOperator grey) {
		int index = 0;
		for (int bit = 0; bit < BITS; bit++) {
			if (grey.applyAsInt(bit * BLOCK + BLOCK / 2, BLOCK / 2) > 128) {
				index |= 1 << bit;
			}
		}
		return index;
	}

}
