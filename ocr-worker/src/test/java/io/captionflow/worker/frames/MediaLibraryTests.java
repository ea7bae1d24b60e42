package io.captionflow.worker.frames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import io.captionflow.worker.image.GrayImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Media locations resolve, by their real paths, only to files under the root, and files
 * derived from a video are written there without following links.
 */
class MediaLibraryTests {

	@TempDir
	Path root;

	@TempDir
	Path outside;

	@Test
	void resolvesAFileUnderTheRoot() throws IOException {
		Files.createDirectories(this.root.resolve("a"));
		Files.writeString(this.root.resolve("a/v.mp4"), "x");
		assertThat(new MediaLibrary(this.root).resolve("a/v.mp4")).isEqualTo(this.root.resolve("a/v.mp4").toRealPath());
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
	void refusesALinkThatLeadsOutOfTheRoot() throws IOException {
		Path secret = Files.writeString(this.outside.resolve("secret.mp4"), "x");
		Files.createSymbolicLink(this.root.resolve("link.mp4"), secret);
		Files.createSymbolicLink(this.root.resolve("folder"), this.outside);
		MediaLibrary library = new MediaLibrary(this.root);
		for (String location : new String[] { "link.mp4", "folder/secret.mp4" }) {
			assertThatExceptionOfType(FrameDecodingException.class).isThrownBy(() -> library.resolve(location))
				.withMessage("media location '" + location + "' is outside the media root");
		}
	}

	@Test
	void followsALinkThatStaysUnderTheRoot() throws IOException {
		Path video = Files.writeString(this.root.resolve("v.mp4"), "x");
		Files.createSymbolicLink(this.root.resolve("alias.mp4"), video);
		assertThat(new MediaLibrary(this.root).resolve("alias.mp4")).isEqualTo(video.toRealPath());
	}

	@Test
	void refusesMissingFilesAndMalformedLocations() {
		MediaLibrary library = new MediaLibrary(this.root);
		assertThatExceptionOfType(FrameDecodingException.class).isThrownBy(() -> library.resolve("missing.mp4"))
			.withMessageContaining("does not exist");
		for (String location : new String[] { "", "v.mp4\u0000", "a\nb.mp4", "x".repeat(1001) }) {
			assertThatExceptionOfType(FrameDecodingException.class).isThrownBy(() -> library.resolve(location))
				.withMessage("media location must be a relative path of 1 to 1000 characters without control "
						+ "characters");
		}
	}

	@Test
	void writesADerivedImageBesideTheVideo() throws IOException {
		MediaLibrary library = new MediaLibrary(this.root);
		library.resolve(Files.writeString(this.root.resolve("v.mp4"), "x").getFileName().toString());
		String location = library.writeDerived("v.mp4", "caption-1.png", image(50));
		assertThat(location).isEqualTo("v.mp4.captionflow/caption-1.png");
		assertThat(ImageIO.read(this.root.resolve(location).toFile()).getWidth()).isEqualTo(8);
		assertThat(library.writeDerived("v.mp4", "caption-1.png", image(60))).isEqualTo(location);
		try (var files = Files.list(this.root.resolve("v.mp4.captionflow"))) {
			assertThat(files).containsExactly(this.root.resolve(location));
		}
	}

	@Test
	void aVideoReachedThroughALinkGetsItsImageBesideTheLocationTheGatewayKnows() throws IOException {
		MediaLibrary library = new MediaLibrary(this.root);
		Path video = Files.writeString(this.root.resolve("v.mp4"), "x");
		Files.createSymbolicLink(this.root.resolve("alias.mp4"), video);
		library.resolve("alias.mp4");
		// the gateway serves <media location>.captionflow/caption-<id>.png, and only that
		String location = library.writeDerived("alias.mp4", "caption-3.png", image(40));
		assertThat(location).isEqualTo("alias.mp4.captionflow/caption-3.png");
		assertThat(ImageIO.read(this.root.resolve(location).toFile()).getWidth()).isEqualTo(8);
	}

	@Test
	void aLinkPlantedAtTheImageIsReplacedAndItsTargetLeftAlone() throws IOException {
		MediaLibrary library = new MediaLibrary(this.root);
		library.resolve(Files.writeString(this.root.resolve("v.mp4"), "x").getFileName().toString());
		Path victim = Files.writeString(this.outside.resolve("victim.txt"), "precious");
		Files.createDirectories(this.root.resolve("v.mp4.captionflow"));
		Path planted = Files.createSymbolicLink(this.root.resolve("v.mp4.captionflow/caption-7.png"), victim);

		library.writeDerived("v.mp4", "caption-7.png", image(90));

		assertThat(victim).hasContent("precious");
		assertThat(Files.isSymbolicLink(planted)).isFalse();
		assertThat(Files.isRegularFile(planted, LinkOption.NOFOLLOW_LINKS)).isTrue();
		assertThat(ImageIO.read(planted.toFile()).getHeight()).isEqualTo(8);
	}

	@Test
	void aDerivedFolderThatIsALinkOutOfTheRootIsRefused() throws IOException {
		MediaLibrary library = new MediaLibrary(this.root);
		library.resolve(Files.writeString(this.root.resolve("v.mp4"), "x").getFileName().toString());
		Files.createSymbolicLink(this.root.resolve("v.mp4.captionflow"), this.outside);

		assertThatIOException().isThrownBy(() -> library.writeDerived("v.mp4", "caption-1.png", image(10)))
			.withMessage("v.mp4.captionflow is not a folder (a link or a file)");
		try (var files = Files.list(this.outside)) {
			assertThat(files).isEmpty();
		}
	}

	private static GrayImage image(int gray) {
		byte[] pixels = new byte[8 * 8];
		Arrays.fill(pixels, (byte) gray);
		return new GrayImage(8, 8, pixels);
	}

}
