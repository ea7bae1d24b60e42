package io.captionflow.events;

/**
 * The rectangle of a video frame where burned-in caption text sits, in pixels.
 *
 * @param x left edge
 * @param y top edge
 * @param width width, at least 1
 * @param height height, at least 1
 */
public record CropBox(int x, int y, int width, int height) {

	public CropBox {
		if (x < 0 || y < 0 || width < 1 || height < 1) {
			throw new IllegalArgumentException("crop box must have x, y >= 0 and width, height >= 1, was " + x + "," + y
					+ " " + width + "x" + height);
		}
	}

	/**
	 * Whether this box lies inside a frame of the given size.
	 * @param frameWidth frame width
	 * @param frameHeight frame height
	 * @return true when the box fits
	 */
	public boolean fitsWithin(int frameWidth, int frameHeight) {
		// never x + width: that overflows for a crafted box and would pass the check
		return this.x < frameWidth && this.width <= frameWidth - this.x && this.y < frameHeight
				&& this.height <= frameHeight - this.y;
	}

	/**
	 * The number of pixels in the box, without overflow.
	 * @return width times height
	 */
	public long area() {
		return (long) this.width * this.height;
	}

	/**
	 * The box as people write it, for error messages.
	 * @return {@code x,y widthxheight}
	 */
	public String describe() {
		return this.x + "," + this.y + " " + this.width + "x" + this.height;
	}

}
