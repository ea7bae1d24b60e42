package io.captionflow.gateway.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.captionflow.gateway.GatewayApplication;
import io.captionflow.gateway.TestDatabase;
import io.captionflow.testsupport.TestVideos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The local default: no authentication on a loopback bind, yet only for requests
 * addressed to a loopback name (a DNS rebinding page is refused) and not sent by a page
 * of another origin; every response carries the browser's security headers; a video is
 * served as a video whatever its file is named. An open gateway on any other bind, or an
 * {@code oauth2} one without an issuer, or one on PostgreSQL without a password, refuses
 * to start, naming the setting. The data folder is the owner's alone.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=api-gateway",
				"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}" })
@AutoConfigureWebTestClient(timeout = "30s")
@EmbeddedKafka(partitions = 2)
class OpenAccessIntegrationTests {

	@TempDir
	static Path workDir;

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient db;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) throws IOException {
		Path media = workDir.resolve("media");
		Files.createDirectories(media);
		// a real MPEG-4 file under a name that would make it a page
		TestVideos.manifest(media, new VideoManifest("o1", "o1", "trick.html", 25, 50, 320, 180,
				new CropBox(0, 150, 320, 30), "eng", List.of()));
		registry.add("captionflow.gateway.media-root", media::toString);
		TestDatabase.register(registry, workDir);
	}

	@Test
	void servesLoopbackNamesAndRefusesOthers() {
		this.http.get().uri("/api/videos").exchange().expectStatus().isOk();
		this.http.get().uri("/api/videos").header("Host", "127.0.0.1").exchange().expectStatus().isOk();
		this.http.get()
			.uri("/api/videos")
			.header("Host", "rebound.example.com")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("rebound.example.com")
				.contains("captionflow.gateway.security.allowed-hosts"));
	}

	@Test
	void refusesWritesFromPagesOfAnotherOriginAndStoresNothing() {
		long before = captions();
		String body = "{\"startFrameIndex\":1,\"endFrameIndex\":4,\"state\":\"predicted\"}";
		this.http.post()
			.uri("/api/videos/o1/captions")
			.header("Origin", "https://evil.example")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("https://evil.example")
				.contains("captionflow.gateway.security.allowed-origins"));
		this.http.post()
			.uri("/api/videos/o1/captions")
			.header("Origin", "null")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isForbidden();
		assertThat(captions()).isEqualTo(before);
		// the page's own origin
		String own = "http://localhost:"
				+ this.http.get().uri("/api/videos").exchange().returnResult(Void.class).getUrl().getPort();
		this.http.post()
			.uri("/api/videos/o1/captions")
			.header("Origin", own)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated();
		assertThat(captions()).isEqualTo(before + 1);
	}

	@Test
	void pagesCarryTheSecurityHeadersAndMediaIsServedOnlyAsVideo() {
		this.http.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Content-Security-Policy", AccessConfiguration.CONTENT_SECURITY_POLICY)
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectHeader()
			.valueEquals("X-Frame-Options", "DENY")
			.expectBody(String.class)
			.value((page) -> assertThat(page).doesNotContain("<script>").doesNotContain("<script type=\"module\">"));
		this.http.get()
			.uri("/api/videos/o1/media")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("video/mp4")
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff");
	}

	@Test
	void theDataFolderAndItsFilesAreTheOwnersAlone() throws IOException {
		Path data = workDir.resolve("data");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
		// files made before the folder was protected are made owner-only at start
		Path stray = Files.writeString(data.resolve("stray.txt"), "left by an earlier version");
		Files.setPosixFilePermissions(stray, PosixFilePermissions.fromString("rw-r--r--"));
		PrivateDataDirectory.protect(data);
		try (Stream<Path> files = Files.list(data)) {
			assertThat(files.filter(Files::isRegularFile).toList()).isNotEmpty()
				.allSatisfy((file) -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
					.as(file.toString())
					.isEqualTo("rw-------"));
		}
	}

	@Test
	void anOpenGatewayRefusesToStartOnAnyButALoopbackAddressAndPostgresWithoutAPassword() {
		assertThatThrownBy(() -> GatewayApplication.create().run(arguments("--server.address=0.0.0.0")).close())
			.hasStackTraceContaining("captionflow.gateway.security.mode is none")
			.hasStackTraceContaining("0.0.0.0");
		assertThatThrownBy(() -> GatewayApplication.create()
			.run(arguments("--server.address=127.0.0.1", "--captionflow.gateway.security.mode=oauth2"))
			.close()).hasStackTraceContaining("spring.security.oauth2.resourceserver.jwt.issuer-uri");
		// the postgres profile has no default password: only the local one does
		assertThatThrownBy(() -> GatewayApplication.create()
			.run("--server.port=0", "--spring.kafka.bootstrap-servers=127.0.0.1:1",
					"--captionflow.gateway.data-dir=" + workDir.resolve("refused-postgres"),
					"--spring.profiles.active=postgres")
			.close()).hasStackTraceContaining("CAPTIONFLOW_DB_PASSWORD");
	}

	private String[] arguments(String... settings) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0",
				"--spring.kafka.bootstrap-servers=127.0.0.1:1", "--captionflow.gateway.import-manifests=false"));
		for (Map.Entry<String, String> setting : TestDatabase.properties(workDir.resolve("refused")).entrySet()) {
			arguments.add("--" + setting.getKey() + "=" + setting.getValue());
		}
		arguments.addAll(List.of(settings));
		return arguments.toArray(String[]::new);
	}

	private long captions() {
		return this.db.sql("select count(*) from captions").map((row) -> row.get(0, Long.class)).one().block();
	}

}
