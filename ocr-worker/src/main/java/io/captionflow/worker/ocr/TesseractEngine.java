package io.captionflow.worker.ocr;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.sun.jna.Pointer;
import io.captionflow.worker.image.GrayImage;
import net.sourceforge.tess4j.ITessAPI.TessBaseAPI;
import net.sourceforge.tess4j.ITessAPI.TessPageIteratorLevel;
import net.sourceforge.tess4j.ITessAPI.TessResultIterator;
import net.sourceforge.tess4j.TessAPI;
import net.sourceforge.tess4j.util.LoadLibs;
import org.jspecify.annotations.Nullable;

/**
 * Tesseract in this process. Each thread keeps one engine handle per language and reuses
 * it: initialising Tesseract costs far more than reading a line. A crash of the native
 * engine takes the process with it;
 * {@link io.captionflow.worker.ocr.process.OcrProcessPool} runs this in child processes
 * for that reason.
 */
public final class TesseractEngine implements TextRecognizer {

	// Interface mapping binds functions lazily: Debian's libtesseract 5.3 lacks some that
	// Tess4J declares, which would fail a direct mapping as a whole.
	private final TessAPI api = LoadLibs.getTessAPIInstance();

	private final @Nullable TessdataFolders folders;

	private final ThreadLocal<Map<String, TessBaseAPI>> engines = ThreadLocal.withInitial(HashMap::new);

	private final ConcurrentLinkedQueue<TessBaseAPI> allEngines = new ConcurrentLinkedQueue<>();

	/**
	 * Creates an engine.
	 * @param folders where language models are found
	 */
	public TesseractEngine(TessdataFolders folders) {
		this.folders = folders;
	}

	/**
	 * Creates an engine that is told the model folder with each page, as an OCR child
	 * process is.
	 */
	public TesseractEngine() {
		this.folders = null;
	}

	@Override
	public OcrText recognise(GrayImage page, String language, Segmentation segmentation) {
		if (this.folders == null) {
			throw new IllegalStateException("this engine is told the model folder with each page");
		}
		return recognise(page, this.folders.folderFor(language), language, segmentation);
	}

	/**
	 * Recognises a page with the models of a given folder.
	 * @param page black text on white
	 * @param tessdata the folder holding the language's models
	 * @param language the language
	 * @param segmentation one line or a block
	 * @return the text and the confidence of its least certain word
	 */
	public OcrText recognise(GrayImage page, Path tessdata, String language, Segmentation segmentation) {
		TessBaseAPI engine = engine(tessdata, language);
		ByteBuffer buffer = ByteBuffer.allocateDirect(page.pixels().length);
		buffer.put(page.pixels()).flip();
		this.api.TessBaseAPISetPageSegMode(engine, segmentation.mode());
		this.api.TessBaseAPISetImage(engine, buffer, page.width(), page.height(), 1, page.width());
		Pointer textPointer = this.api.TessBaseAPIGetUTF8Text(engine);
		if (textPointer == null) {
			this.api.TessBaseAPIClear(engine);
			throw new OcrException("Tesseract failed to recognise the image");
		}
		try {
			String text = textPointer.getString(0, StandardCharsets.UTF_8.name()).strip();
			return new OcrText(text, text.isEmpty() ? 0 : weakestWord(engine));
		}
		finally {
			this.api.TessDeleteText(textPointer);
			this.api.TessBaseAPIClear(engine);
		}
	}

	/**
	 * The confidence of the least certain word: a caption is only as right as its worst
	 * word, and one misread word among ten sure ones is what a reviewer must find.
	 */
	private double weakestWord(TessBaseAPI engine) {
		TessResultIterator words = this.api.TessBaseAPIGetIterator(engine);
		if (words == null) {
			return 0;
		}
		try {
			float weakest = 100;
			do {
				weakest = Math.min(weakest,
						this.api.TessResultIteratorConfidence(words, TessPageIteratorLevel.RIL_WORD));
			}
			while (this.api.TessResultIteratorNext(words, TessPageIteratorLevel.RIL_WORD) != 0);
			return Math.max(0, weakest);
		}
		finally {
			this.api.TessResultIteratorDelete(words);
		}
	}

	private TessBaseAPI engine(Path tessdata, String language) {
		return this.engines.get().computeIfAbsent(tessdata + "|" + language, (key) -> create(tessdata, language));
	}

	private TessBaseAPI create(Path tessdata, String language) {
		TessBaseAPI engine = this.api.TessBaseAPICreate();
		if (this.api.TessBaseAPIInit3(engine, tessdata.toString(), language) != 0) {
			this.api.TessBaseAPIDelete(engine);
			throw new OcrException("Tesseract could not load language '" + language + "' from " + tessdata);
		}
		this.api.TessBaseAPISetVariable(engine, "user_defined_dpi", "300");
		// Tesseract's diagnostics (a statistics block per empty page) would fill the
		// worker's log; what matters comes back through the API
		this.api.TessBaseAPISetVariable(engine, "debug_file", "/dev/null");
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
