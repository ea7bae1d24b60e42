package io.captionflow.gateway.video;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.captionflow.gateway.web.InvalidRequestException;

import org.springframework.stereotype.Component;

/**
 * The OCR languages a video may use: those configured, or else those whose
 * {@code <language>.traineddata} is installed on this host where the workers look
 * ({@code TESSDATA_PREFIX}, Debian's {@code tesseract-ocr-*} folders), and English, which
 * the workers carry. A worker on another host without a language still ends the caption
 * in error, naming it.
 */
@Component
class OcrLanguages {

	private static final List<Path> SYSTEM_FOLDERS = List.of(Path.of("/usr/share/tesseract-ocr/5/tessdata"),
			Path.of("/usr/share/tesseract-ocr/4.00/tessdata"), Path.of("/usr/share/tessdata"));

	private static final String SUFFIX = ".traineddata";

	private final Set<String> available;

	OcrLanguages(VideoProperties properties) {
		List<String> configured = properties.limits().languages();
		this.available = (configured != null && !configured.isEmpty()) ? Set.copyOf(configured) : installed();
	}

	/**
	 * Checks that every part of a language setting may be used.
	 * @param language a well-formed setting such as {@code eng+chi_sim}
	 * @throws InvalidRequestException naming the missing language
	 */
	void check(String language) {
		for (String part : language.split("\\+")) {
			if (!this.available.contains(part)) {
				throw new InvalidRequestException("language", "OCR language '" + part
						+ "' is not installed; available: " + String.join(", ", new TreeSet<>(this.available)));
			}
		}
	}

	private static Set<String> installed() {
		List<Path> folders = new ArrayList<>();
		String prefix = System.getenv("TESSDATA_PREFIX");
		if (prefix != null && !prefix.isBlank()) {
			folders.add(Path.of(prefix));
			folders.add(Path.of(prefix, "tessdata"));
		}
		folders.addAll(SYSTEM_FOLDERS);
		Set<String> languages = new TreeSet<>();
		languages.add("eng");
		for (Path folder : folders) {
			if (!Files.isDirectory(folder)) {
				continue;
			}
			try (DirectoryStream<Path> models = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
				for (Path model : models) {
					String name = model.getFileName().toString();
					languages.add(name.substring(0, name.length() - SUFFIX.length()));
				}
			}
			catch (IOException ex) {
				// an unreadable folder offers no languages
			}
		}
		return Set.copyOf(languages);
	}

}
