package io.captionflow.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.captionflow.testsupport.SettingsReference;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings reference in {@code docs/settings/ocr-worker.md} is the one the code
 * makes: every setting of the {@code @ConfigurationProperties} records, with its default
 * and environment variable. {@code make docs} rewrites it.
 */
class SettingsReferenceTests {

	@Test
	void theSettingsReferenceInDocsIsTheOneTheCodeMakes() throws IOException {
		String made = SettingsReference.render("Settings of the OCR worker (ocr-worker)",
				Path.of("target/classes/META-INF/spring-configuration-metadata.json"),
				Path.of("src/main/resources/ocr-worker.yml"));
		Path kept = Path.of("..", "docs", "settings", "ocr-worker.md");
		if (Boolean.getBoolean("captionflow.docs.update")) {
			Files.createDirectories(kept.getParent());
			Files.writeString(kept, made);
		}
		assertThat(Files.exists(kept) ? Files.readString(kept) : "")
			.as("the settings reference in docs/settings (make docs refreshes it)")
			.isEqualTo(made);
	}

}
