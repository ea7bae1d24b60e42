package io.captionflow.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.captionflow.events.EventJson;
import io.captionflow.events.VideoManifest;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Real video files for the gateway's tests: the gateway probes every video it registers,
 * from the API or a manifest, so a test's manifest needs media FFmpeg can read.
 */
public final class TestVideos {

	private TestVideos() {
	}

	/**
	 * Renders a plain MPEG-4 video of the manifest's size, rate and length at its media
	 * location under the root, and writes the manifest beside it.
	 * @param mediaRoot the media root
	 * @param manifest the manifest
	 * @throws IOException when a file cannot be written
	 */
	public static void manifest(Path mediaRoot, VideoManifest manifest) throws IOException {
		render(mediaRoot.resolve(manifest.media()), manifest.width(), manifest.height(), manifest.frameCount(),
				manifest.fps());
		String name = manifest.media().replaceFirst("\\.[^./]+$", "");
		Files.write(mediaRoot.resolve(name + VideoManifest.SUFFIX), EventJson.write(manifest));
	}

	/**
	 * Renders a plain MPEG-4 video.
	 * @param file where
	 * @param width frame width
	 * @param height frame height
	 * @param frames number of frames
	 * @param fps frame rate
	 * @throws IOException when it cannot be written
	 */
	public static void render(Path file, int width, int height, int frames, double fps) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0)) {
			recorder.setFormat("mp4");
			recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
			recorder.setFrameRate(fps);
			recorder.start();
			Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
			for (int i = 0; i < frames; i++) {
				recorder.record(frame);
			}
			recorder.stop();
		}
	}

}
