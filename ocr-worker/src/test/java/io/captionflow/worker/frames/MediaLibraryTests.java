package io.captionflow.worker.frames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MediaLibraryTests {

	@TempDir
	Path root;

	@Test
	void resolvesAFileUnderTheRoot() throws IOException {
		Files.createDirectories(this.root.resolve("a"));
		Files.writeString(this.root.resolve("a/v.mp4"), "x");
		assertThat(new MediaLibrary(this.root).resolve("a/v.mp4")).isEqualTo(this.root.resolve("a/v.mp4"));
	}

	@Test
	void refusesLocationsOutsideTheRoot() throws IOException {
		Files.writeString(this.root.resolveSibling("outside.mp4"), "x");
		MediaLibrary library = new MediaLibrary(this.root);
		for (String location : new String[] { "../outside.mp4", "/etc/passwd", "a/../../outside.mp4", "." }) {
			assertThatExceptionOfType(FrameDecodingException.class).isThrownBy(() -> library.resolve(location))
				.withMessageContaining("outside the media root");
		}
	}

	@Test
	void refusesMissingFiles() {
		assertThatExceptionOfType(FrameDecodingException.class)
			.isThrownBy(() -> new MediaLibrary(this.root).resolve("missing.mp4"))
			.withMessageContaining("does not exist");
	}

}
