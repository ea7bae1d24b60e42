package io.captionflow.worker.ocr;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.sun.jna.Pointer;
import io.captionflow.worker.image.GrayImage;
import net.sourceforge.tess4j.ITessAPI;
import net.sourceforge.tess4j.ITessAPI.TessBaseAPI;
import net.sourceforge.tess4j.TessAPI;
import net.sourceforge.tess4j.util.LoadLibs;

/**
 * Reads a caption's text from its median frame with Tesseract. Each thread keeps one
 * engine handle per language and reuses it: initialising Tesseract costs far more than
 * reading a line.
 */
public final class CaptionReader implements AutoCloseable {

	private final Path tessdata;

	// Interface mapping binds functions lazily: Debian's libtesseract 5.3 lacks some that
	// Tess4J
	// declares, which would fail a direct mapping as a whole.
	private final TessAPI api = LoadLibs.getTessAPIInstance();

	private final ThreadLocal<Map<String, TessBaseAPI>> engines = ThreadLocal.withInitial(HashMap::new);

	private final ConcurrentLinkedQueue<TessBaseAPI> allEngines = new ConcurrentLinkedQueue<>();

	/**
	 * Creates a reader.
	 * @param tessdata folder of {@code <language>.traineddata} files, or null for the
	 * English model bundled with Tess4J
	 */
	public CaptionReader(Path tessdata) {
		this.tessdata = (tessdata != null) ? tessdata : bundledTessdata();
	}

	private static Path bundledTessdata() {
		File folder = LoadLibs.extractTessResources("tessdata");
		return folder.toPath();
	}

	/**
	 * Reads the text of a caption's median frame.
	 * @param median the median frame of the caption box
	 * @param language Tesseract language code
	 * @return the text, empty when the frame holds none
	 * @throws OcrException when the language is not installed or the engine fails
	 */
	public OcrText read(GrayImage median, String language) {
		GrayImage page = Binarizer.prepare(median);
		if (page == null) {
			return new OcrText("", 0);
		}
		TessBaseAPI engine = engine(language);
		ByteBuffer buffer = ByteBuffer.allocateDirect(page.pixels().length);
		buffer.put(page.pixels()).flip();
		this.api.TessBaseAPISetImage(engine, buffer, page.width(), page.height(), 1, page.width());
		Pointer textPointer = this.api.TessBaseAPIGetUTF8Text(engine);
		if (textPointer == null) {
			this.api.TessBaseAPIClear(engine);
			throw new OcrException("Tesseract failed to recognise the image");
		}
		try {
			String text = textPointer.getString(0, StandardCharsets.UTF_8.name()).strip();
			int confidence = this.api.TessBaseAPIMeanTextConf(engine);
			return new OcrText(text, text.isEmpty() ? 0 : Math.max(0, confidence));
		}
		finally {
			this.api.TessDeleteText(textPointer);
			this.api.TessBaseAPIClear(engine);
		}
	}

	private TessBaseAPI engine(String language) {
		return this.engines.get().computeIfAbsent(language, this::createEngine);
	}

	private TessBaseAPI createEngine(String language) {
		for (String part : language.split("\\+")) {
			if (!part.matches("[a-z]{3}(_[a-z]+)?")
					|| !Files.isRegularFile(this.tessdata.resolve(part + ".traineddata"))) {
				throw new OcrException("OCR language '" + part + "' is not installed (no " + part + ".traineddata in "
						+ this.tessdata + ")");
			}
		}
		TessBaseAPI engine = this.api.TessBaseAPICreate();
		if (this.api.TessBaseAPIInit3(engine, this.tessdata.toString(), language) != 0) {
			this.api.TessBaseAPIDelete(engine);
			throw new OcrException("Tesseract could not load language '" + language + "'");
		}
		this.api.TessBaseAPISetPageSegMode(engine, ITessAPI.TessPageSegMode.PSM_SINGLE_LINE);
		this.api.TessBaseAPISetVariable(engine, "user_defined_dpi", "300");
		this.allEngines.add(engine);
		return engine;
	}

	@Override
	public void close() {
		TessBaseAPI engine;
		while ((engine = this.allEngines.poll()) != null) {
			this.api.TessBaseAPIEnd(engine);
			this.api.TessBaseAPIDelete(engine);
		}
	}

}
