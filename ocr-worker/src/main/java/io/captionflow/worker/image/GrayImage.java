package io.captionflow.worker.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
		if (width < 1 || height < 1 || pixels.length != width * height) {
			throw new IllegalArgumentException(
					"a " + width + "x" + height + " image needs " + width * height + " pixels, got " + pixels.length);
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
	 * Writes this image as PNG, creating parent folders.
	 * @param file the target file
	 * @throws IOException when it cannot be written
	 */
	public void writePng(Path file) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		Path partial = file.resolveSibling(file.getFileName() + ".part");
		if (!ImageIO.write(toBufferedImage(), "png", partial.toFile())) {
			throw new IOException("no PNG writer available");
		}
		Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

}
