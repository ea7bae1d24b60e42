package io.captionflow.gateway.video;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.captionflow.events.WorkLimits;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Reads a video's facts with FFmpeg in a child JVM, so that a crafted file that crashes
 * FFmpeg's demuxer or decoder (a native crash takes the whole process down) costs one
 * registration, not the gateway, and a file that makes FFmpeg spin is stopped at the
 * deadline: the child is killed, not merely abandoned. The child opens the file only as a
 * file, only in the allowed containers, reading at most the probe size, and prints one
 * line: {@code width height fps frames}, or {@code refused <reason>}.
 */
final class MediaProbeProcess {

	private static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	/** Stream time FFmpeg may read to find the streams: 5 s, as the workers. */
	private static final String ANALYZE_MICROS = "5000000";

	private final List<String> command;

	private final Duration timeout;

	MediaProbeProcess(long probeSize, Duration timeout) {
		this.timeout = timeout;
		this.command = command(probeSize);
	}

	/**
	 * Probes a file.
	 * @param file a regular file, its real path already checked to lie under the media
	 * root
	 * @return what the container says
	 * @throws ProbeFailedException when FFmpeg refused the file, crashed on it or did not
	 * answer in time; the message says which, for people
	 */
	Facts probe(Path file) {
		List<String> line = new ArrayList<>(this.command);
		line.add(file.toString());
		Process process;
		try {
			process = new ProcessBuilder(line).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new ProbeFailedException("the probe could not be started: " + ex.getMessage());
		}
		try (InputStream out = process.getInputStream()) {
			process.getOutputStream().close();
			if (!process.waitFor(this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new ProbeFailedException("could not be read within " + this.timeout.toSeconds() + " s");
			}
			String output = new String(out.readNBytes(4096), StandardCharsets.UTF_8);
			int exit = process.exitValue();
			String answer = lastLine(output);
			if (exit == 0 && answer.startsWith("facts ")) {
				String[] parts = answer.split(" ");
				return new Facts(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Double.parseDouble(parts[3]),
						Integer.parseInt(parts[4]));
			}
			if (answer.startsWith("refused ")) {
				throw new ProbeFailedException(answer.substring("refused ".length()));
			}
			throw new ProbeFailedException((exit > 128) ? "made FFmpeg crash (signal " + (exit - 128) + ")"
					: "could not be read (the probe exited with status " + exit + ")");
		}
		catch (IOException | RuntimeException ex) {
			if (ex instanceof ProbeFailedException failed) {
				throw failed;
			}
			throw new ProbeFailedException("could not be read: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new ProbeFailedException("was not read: the probe was interrupted");
		}
		finally {
			if (process.isAlive()) {
				process.destroyForcibly();
			}
		}
	}

	private static String lastLine(String output) {
		String[] lines = output.strip().split("\n");
		return (lines.length > 0) ? lines[lines.length - 1].strip() : "";
	}

	private static List<String> command(long probeSize) {
		String java = ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
				"--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true", "-XX:-CreateCoredumpOnCrash",
				"-XX:ErrorFile=/dev/null", "-cp", System.getProperty("java.class.path")));
		if (MediaProbeProcess.class.getClassLoader() == ClassLoader.getSystemClassLoader()) {
			command.add(MediaProbeProcess.class.getName());
		}
		else {
			// inside a Boot jar the class lives in a nested jar only Boot's loader reads
			command.add("-Dloader.main=" + MediaProbeProcess.class.getName());
			command.add(BOOT_LAUNCHER);
		}
		command.add(Long.toString(probeSize));
		return List.copyOf(command);
	}

	/**
	 * The child: probes one file and prints its facts, or why it refused it.
	 * @param args the probe size in bytes and the file
	 */
	public static void main(String[] args) {
		avutil.av_log_set_level(avutil.AV_LOG_QUIET);
		try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(args[1])) {
			grabber.setOption("protocol_whitelist", "file");
			grabber.setOption("format_whitelist", WorkLimits.CONTAINERS);
			grabber.setOption("probesize", args[0]);
			grabber.setOption("analyzeduration", ANALYZE_MICROS);
			grabber.start();
			int frames = grabber.getLengthInVideoFrames();
			if (frames <= 0 || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
				System.out.println("refused has no video stream");
				return;
			}
			System.out.println("facts " + grabber.getImageWidth() + " " + grabber.getImageHeight() + " "
					+ grabber.getFrameRate() + " " + frames);
		}
		catch (FrameGrabber.Exception | RuntimeException ex) {
			System.out.println("refused is not a readable video (containers accepted: " + WorkLimits.CONTAINERS + ")");
		}
	}

	/**
	 * What FFmpeg says of a video.
	 *
	 * @param width frame width
	 * @param height frame height
	 * @param fps frames per second
	 * @param frameCount number of frames
	 */
	record Facts(int width, int height, double fps, int frameCount) {
	}

	/**
	 * The file could not be probed; the message completes "media 'x' ...".
	 */
	static final class ProbeFailedException extends RuntimeException {

		ProbeFailedException(String message) {
			super(message);
		}

	}

}
