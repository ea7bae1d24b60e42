package io.captionflow.worker.frames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import io.captionflow.events.WorkLimits;
import io.captionflow.worker.image.GrayImage;

/**
 * The folder videos are read from. Requests name media relative to it; anything that
 * would resolve outside it is refused, by its real path, so neither {@code ..} nor a
 * symbolic link can make the worker read an arbitrary file. Files derived from a video
 * are written beside it without following links, so a link planted where one will be
 * written cannot make the worker overwrite a file elsewhere.
 */
public final class MediaLibrary {

	private static final String DERIVED_FOLDER = ".captionflow";

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
	 * @return the file, by its real path
	 * @throws FrameDecodingException when the location is malformed, escapes the root
	 * (also through a link) or names no readable file
	 */
	public Path resolve(String location) {
		if (location.isEmpty() || location.length() > WorkLimits.MAX_MEDIA_LOCATION
				|| location.chars().anyMatch(Character::isISOControl)) {
			throw new FrameDecodingException("media location must be a relative path of 1 to "
					+ WorkLimits.MAX_MEDIA_LOCATION + " characters without control characters");
		}
		Path relative;
		try {
			relative = Path.of(location);
		}
		catch (InvalidPathException ex) {
			throw new FrameDecodingException("media location is not a valid path");
		}
		Path file = this.root.resolve(relative).normalize();
		if (relative.isAbsolute() || !file.startsWith(this.root) || file.equals(this.root)) {
			throw new FrameDecodingException("media location '" + location + "' is outside the media root");
		}
		Path real;
		try {
			real = file.toRealPath();
		}
		catch (IOException ex) {
			throw new FrameDecodingException("video '" + location + "' does not exist or is not readable");
		}
		Path realRoot = realRoot();
		if (!real.startsWith(realRoot) || real.equals(realRoot)) {
			throw new FrameDecodingException("media location '" + location + "' is outside the media root");
		}
		if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
			throw new FrameDecodingException("video '" + location + "' does not exist or is not readable");
		}
		return real;
	}

	/**
	 * Writes an image derived from a video as PNG to
	 * {@code <location>.captionflow/<name>}, replacing what is there: beside the location
	 * the request named (a link to the video included), which is where the gateway looks
	 * for it. The folder is created when missing and refused when it is a link or leads
	 * out of the root; the file is written under a fresh name and moved into place, which
	 * replaces a link at the target instead of writing through it.
	 * @param location the video's location, as {@link #resolve} accepted it
	 * @param name the derived file's name, without folders
	 * @param image the image
	 * @return the file's location relative to the root
	 * @throws IOException when it cannot be written safely
	 */
	public String writeDerived(String location, String name, GrayImage image) throws IOException {
		// a root such as "/" has no file name
		if (name.isEmpty() || !name.equals(String.valueOf(Path.of(name).getFileName())) || name.startsWith(".")) {
			throw new IOException("'" + name + "' is not a plain file name");
		}
		String derived = location + DERIVED_FOLDER;
		Path folder = this.root.resolve(derived).normalize();
		if (!folder.startsWith(this.root) || folder.equals(this.root)) {
			throw new IOException("the folder for files derived from the video is outside the media root");
		}
		if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
			if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
				throw new IOException(derived + " is not a folder (a link or a file)");
			}
		}
		else {
			Files.createDirectory(folder);
		}
		if (!folder.toRealPath().startsWith(realRoot())) {
			throw new IOException(derived + " leads out of the media root");
		}
		image.writePng(folder.resolve(name));
		return derived + "/" + name;
	}

	private Path realRoot() {
		try {
			return this.root.toRealPath();
		}
		catch (IOException ex) {
			throw new FrameDecodingException("the media root does not exist");
		}
	}

}
