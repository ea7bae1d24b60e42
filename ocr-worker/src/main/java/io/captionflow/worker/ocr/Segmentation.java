package io.captionflow.worker.ocr;

import net.sourceforge.tess4j.ITessAPI.TessPageSegMode;

/**
 * How Tesseract should split a page into lines: one line is read best as exactly that,
 * several as a block.
 */
public enum Segmentation {

	/** The page holds one line of text. */
	SINGLE_LINE(TessPageSegMode.PSM_SINGLE_LINE),

	/** The page holds a block of several lines. */
	BLOCK(TessPageSegMode.PSM_SINGLE_BLOCK);

	private final int mode;

	Segmentation(int mode) {
		this.mode = mode;
	}

	int mode() {
		return this.mode;
	}

}
