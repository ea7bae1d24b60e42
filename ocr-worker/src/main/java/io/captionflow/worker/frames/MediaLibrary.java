package io.captionflow.worker.frames;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder videos are read from. Requests name media relative to it; anything that
 * would resolve outside it is refused, so events can never make the worker read an
 * arbitrary file.
 */
public final class MediaLibrary {

	private final Path root;

	/**
	 * Creates a library over a root folder.
	 * @param root the media root
	 */
	public MediaLibrary(Path root) {
		this.root = root.toAbsolutePath().normalize();
	}

	/**
	 * The media root.
	 * @return absolute, normalized root
	 */
	public Path root() {
		return this.root;
	}

	/**
	 * Resolves a media location to a readable file under the root.
	 * @param location a relative location such as {@code demo/demo.mp4}
	 * @return the file
	 * @throws FrameDecodingException when the location escapes the root or names no
	 * readable file
	 */
	public Path resolve(String location) {
		Path relative = Path.of(location);
		Path file = this.root.resolve(relative).normalize();
		if (relative.isAbsolute() || !file.startsWith(this.root) || file.equals(this.root)) {
			throw new FrameDecodingException("media location '" + location + "' is outside the media root");
		}
		if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
			throw new FrameDecodingException("video '" + location + "' does not exist or is not readable");
		}
		return file;
	}

	/**
	 * The location, relative to the root, of a file derived from a video:
	 * {@code <video>.captionflow/<name>}.
	 * @param mediaLocation the video's location
	 * @param name the derived file's name
	 * @return its location relative to the root
	 */
	public String derivedLocation(String mediaLocation, String name) {
		return mediaLocation + ".captionflow/" + name;
	}

}
