package io.captionflow.worker.ocr;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import net.sourceforge.tess4j.util.LoadLibs;

/**
 * Finds the folder holding a language's {@code <language>.traineddata}: the configured
 * folder when there is one; otherwise {@code TESSDATA_PREFIX}, the folders Debian's
 * {@code tesseract-ocr-*} packages install to, and last the English model bundled with
 * Tess4J. Tesseract loads a combined language such as {@code eng+chi_sim} from one
 * folder, so when its parts lie in different folders they are linked into one.
 */
public final class TessdataFolders {

	private static final Pattern LANGUAGE = Pattern.compile("[a-z]{3}(_[a-z]{3,4})?(_vert)?");

	private static final List<Path> SYSTEM_FOLDERS = List.of(Path.of("/usr/share/tesseract-ocr/5/tessdata"),
			Path.of("/usr/share/tesseract-ocr/4.00/tessdata"), Path.of("/usr/share/tessdata"));

	private final List<Path> candidates;

	private final Map<String, Path> resolved = new ConcurrentHashMap<>();

	/**
	 * Looks in one folder only.
	 * @param folder the configured tessdata folder
	 */
	public TessdataFolders(Path folder) {
		this.candidates = List.of(folder);
	}

	/**
	 * Looks in {@code TESSDATA_PREFIX}, the system folders, then the bundled model.
	 */
	public TessdataFolders() {
		List<Path> folders = new ArrayList<>();
		String prefix = System.getenv("TESSDATA_PREFIX");
		if (prefix != null && !prefix.isBlank()) {
			Path path = Path.of(prefix);
			folders.add(path.getFileName() != null && path.endsWith("tessdata") ? path : path.resolve("tessdata"));
			folders.add(path);
		}
		folders.addAll(SYSTEM_FOLDERS);
		File bundled = LoadLibs.extractTessResources("tessdata");
		if (bundled != null) {
			folders.add(bundled.toPath());
		}
		this.candidates = List.copyOf(folders);
	}

	/**
	 * The folder to load a language from.
	 * @param language a language such as {@code eng} or {@code eng+chi_sim}
	 * @return a folder holding every part's traineddata
	 * @throws OcrException when the name is malformed or a part is not installed
	 */
	public Path folderFor(String language) {
		return this.resolved.computeIfAbsent(language, this::find);
	}

	private Path find(String language) {
		Map<String, Path> parts = new LinkedHashMap<>();
		for (String part : language.split("\\+", -1)) {
			if (!LANGUAGE.matcher(part).matches()) {
				throw new OcrException("'" + language + "' is not a Tesseract language name (such as eng or chi_sim)");
			}
			Path folder = this.candidates.stream()
				.filter((candidate) -> Files.isRegularFile(candidate.resolve(part + ".traineddata")))
				.findFirst()
				.orElseThrow(() -> new OcrException("OCR language '" + part + "' is not installed (no " + part
						+ ".traineddata in " + this.candidates + "; on Debian: apt-get install tesseract-ocr-"
						+ part.replace('_', '-') + ")"));
			parts.put(part, folder);
		}
		if (parts.values().stream().distinct().count() == 1) {
			return parts.values().iterator().next();
		}
		return linkedTogether(language, parts);
	}

	private static Path linkedTogether(String language, Map<String, Path> parts) {
		try {
			Path folder = Files.createTempDirectory("captionflow-tessdata-" + language.replace('+', '-'));
			folder.toFile().deleteOnExit();
			for (Map.Entry<String, Path> part : parts.entrySet()) {
				String file = part.getKey() + ".traineddata";
				Path link = Files.createSymbolicLink(folder.resolve(file), part.getValue().resolve(file));
				link.toFile().deleteOnExit();
			}
			return folder;
		}
		catch (IOException ex) {
			throw new OcrException("cannot combine the models of '" + language + "': " + ex.getMessage());
		}
	}

}
