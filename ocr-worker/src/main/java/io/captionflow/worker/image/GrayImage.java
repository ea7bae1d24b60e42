package io.captionflow.worker.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import javax.imageio.ImageIO;

/**
 * An 8-bit gray image, row-major without padding.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param pixels {@code width * height} luminance values
 */
public record GrayImage(int width, int height, byte[] pixels) {

	public GrayImage {
		// long: width * height of a crafted size wraps around as an int
		if (width < 1 || height < 1 || pixels.length != (long) width * height) {
			throw new IllegalArgumentException("a " + width + "x" + height + " image needs " + (long) width * height
					+ " pixels, got " + pixels.length);
		}
	}

	/**
	 * The luminance at a pixel.
	 * @param x column
	 * @param y row
	 * @return 0 to 255
	 */
	public int at(int x, int y) {
		return this.pixels[y * this.width + x] & 0xFF;
	}

	/**
	 * This image as a Java 2D image sharing no memory with it.
	 * @return a TYPE_BYTE_GRAY image
	 */
	public BufferedImage toBufferedImage() {
		BufferedImage image = new BufferedImage(this.width, this.height, BufferedImage.TYPE_BYTE_GRAY);
		byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
		System.arraycopy(this.pixels, 0, target, 0, this.pixels.length);
		return image;
	}

	/**
	 * A gray copy of a Java 2D image.
	 * @param image any image
	 * @return its luminance
	 */
	public static GrayImage of(BufferedImage image) {
		BufferedImage gray = image;
		if (image.getType() != BufferedImage.TYPE_BYTE_GRAY) {
			gray = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
			gray.getGraphics().drawImage(image, 0, 0, null);
		}
		byte[] data = ((DataBufferByte) gray.getRaster().getDataBuffer()).getData();
		return new GrayImage(gray.getWidth(), gray.getHeight(), data.clone());
	}

	/**
	 * Writes this image as PNG, creating parent folders. It is written to a new file of a
	 * fresh name in the target's folder, then moved into place: readers never see half a
	 * file, and a link at the target is replaced, not written through.
	 * @param file the target file
	 * @throws IOException when it cannot be written
	 */
	public void writePng(Path file) throws IOException {
		Path folder = file.toAbsolutePath().getParent();
		Files.createDirectories(folder);
		Path partial = Files.createTempFile(folder, "." + file.getFileName(), ".part");
		try {
			try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
				if (!ImageIO.write(toBufferedImage(), "png", out)) {
					throw new IOException("no PNG writer available");
				}
			}
			Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		finally {
			Files.deleteIfExists(partial);
		}
	}

}
