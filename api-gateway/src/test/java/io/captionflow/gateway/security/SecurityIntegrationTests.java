package io.captionflow.gateway.security;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.captionflow.gateway.TestDatabase;
import io.captionflow.testsupport.TestVideos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway in {@code oauth2} mode against an issuer whose keys the test generates,
 * reached over real HTTP with real signed tokens: every endpoint refuses a request
 * without a token, with an expired one, with one of another issuer (401) and with one
 * lacking the permission (403), each with a problem body saying why, and serves the one
 * with the right scope; roles in the configured claim grant like scopes; pages send a
 * browser that is not signed in to the OAuth2 login with PKCE.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "spring.config.name=api-gateway",
		"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "captionflow.gateway.security.mode=oauth2",
		"captionflow.gateway.security.roles-claim=realm_access.roles",
		"spring.security.oauth2.client.registration.captionflow.client-id=captionflow-gateway",
		"spring.security.oauth2.client.registration.captionflow.client-secret=gateway-secret",
		"spring.security.oauth2.client.registration.captionflow.scope=openid,captionflow.read,captionflow.annotate",
		"management.endpoints.web.exposure.include=health,info" })
@AutoConfigureWebTestClient(timeout = "30s")
@EmbeddedKafka(partitions = 2)
class SecurityIntegrationTests {

	private static final TestIssuer issuer = TestIssuer.start();

	/** An issuer the gateway does not trust, with keys of its own. */
	private static final TestIssuer stranger = TestIssuer.start();

	private static final AtomicInteger nextFrame = new AtomicInteger();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\\r\\ncontent-length: *(\\d+)\\r\\n");

	@TempDir
	static Path workDir;

	@Autowired
	WebTestClient http;

	@LocalServerPort
	int port;

	private long captionId;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) throws IOException {
		Path media = workDir.resolve("media");
		Files.createDirectories(media);
		TestVideos.manifest(media, new VideoManifest("s1", "s1", "s1.mp4", 25, 1000, 320, 180,
				new CropBox(0, 150, 320, 30), "eng", List.of()));
		TestVideos.render(media.resolve("s2.mp4"), 320, 180, 50, 25);
		registry.add("captionflow.gateway.media-root", media::toString);
		registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", issuer::uri);
		registry.add("spring.security.oauth2.client.provider.captionflow.issuer-uri", issuer::uri);
		TestDatabase.register(registry, workDir);
	}

	@AfterAll
	static void stopIssuers() {
		issuer.close();
		stranger.close();
	}

	@BeforeEach
	void createCaption() {
		int start = nextFrame.getAndAdd(10);
		FluxExchangeResult<DataBuffer> created = exchange(HttpMethod.POST, "/api/videos/s1/captions",
				"{\"startFrameIndex\":" + start + ",\"endFrameIndex\":" + (start + 5) + ",\"state\":\"predicted\"}",
				valid("captionflow.annotate"));
		assertThat(created.getStatus().value()).isEqualTo(201);
		this.captionId = read(created).path("caption").path("id").asLong();
	}

	static Stream<Endpoint> endpoints() {
		return Stream.of(Endpoint.read(HttpMethod.GET, (id) -> "/api/videos", 200),
				Endpoint.read(HttpMethod.GET, (id) -> "/api/videos/s1", 200),
				Endpoint.read(HttpMethod.GET, (id) -> "/api/videos/s1/stats", 200),
				Endpoint.read(HttpMethod.GET, (id) -> "/api/videos/s1/media", 200),
				Endpoint.read(HttpMethod.GET, (id) -> "/api/videos/s1/captions", 200),
				Endpoint.read(HttpMethod.GET, (id) -> "/api/videos/s1/captions/" + id, 200),
				// served past security: the worker has made no median image yet
				Endpoint.read(HttpMethod.GET, (id) -> "/api/videos/s1/captions/" + id + "/image", 404),
				Endpoint.read(HttpMethod.GET, (id) -> "/api/events/video-stats", 200),
				Endpoint.read(HttpMethod.GET, (id) -> "/api/events/clients", 200),
				Endpoint.read(HttpMethod.GET, (id) -> "/api/flow-notifications", 200),
				Endpoint.read(HttpMethod.GET, (id) -> "/video.html", 200),
				new Endpoint(HttpMethod.POST, (id) -> "/api/videos/s1/captions",
						"{\"startFrameIndex\":900,\"endFrameIndex\":905,\"state\":\"gap\"}", Permission.ANNOTATE, 201),
				new Endpoint(HttpMethod.PUT, (id) -> "/api/videos/s1/captions/" + id + "/extents",
						"{\"startFrameIndex\":950,\"endFrameIndex\":955,\"state\":\"predicted\"}", Permission.ANNOTATE,
						200),
				new Endpoint(HttpMethod.PUT, (id) -> "/api/videos/s1/captions/" + id + "/text",
						"{\"text\":\"checked\",\"textStatus\":\"confirmed\"}", Permission.ANNOTATE, 200),
				new Endpoint(HttpMethod.DELETE, (id) -> "/api/videos/s1/captions/" + id, null, Permission.ANNOTATE,
						204),
				new Endpoint(HttpMethod.POST, (id) -> "/api/videos",
						"{\"id\":\"s2\",\"title\":\"second\",\"media\":\"s2.mp4\"}", Permission.ADMIN, 201),
				new Endpoint(HttpMethod.PATCH, (id) -> "/api/videos/s1", "{\"language\":\"eng\"}", Permission.ADMIN,
						200),
				new Endpoint(HttpMethod.GET, (id) -> "/actuator/info", null, Permission.ADMIN, 200));
	}

	@ParameterizedTest
	@MethodSource("endpoints")
	void eachEndpointServesOnlyAValidTokenWithItsPermission(Endpoint endpoint) {
		String path = endpoint.path().apply(this.captionId);
		String body = endpoint.json();

		FluxExchangeResult<DataBuffer> none = exchange(endpoint.method(), path, body, null);
		assertRefused(none, 401, "sign in, or send a bearer token");

		FluxExchangeResult<DataBuffer> expired = exchange(endpoint.method(), path, body,
				issuer.token(Instant.now().minus(Duration.ofHours(1)), endpoint.scope()));
		assertRefused(expired, 401, "expired");

		FluxExchangeResult<DataBuffer> foreign = exchange(endpoint.method(), path, body,
				stranger.token(Instant.now().plus(Duration.ofHours(1)), endpoint.scope()));
		assertRefused(foreign, 401, "the bearer token is not accepted");

		FluxExchangeResult<DataBuffer> lacking = exchange(endpoint.method(), path, body,
				valid(endpoint.lackingScope()));
		assertRefused(lacking, 403, "do not grant the permission " + endpoint.permission().name().toLowerCase());
		assertThat(lacking.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))
			.isEqualTo("Bearer error=\"insufficient_scope\"");

		FluxExchangeResult<DataBuffer> right = exchange(endpoint.method(), path, body, valid(endpoint.scope()));
		assertThat(right.getStatus().value()).as("%s %s with scope %s", endpoint.method(), path, endpoint.scope())
			.isEqualTo(endpoint.served());
		right.getResponseBody().take(1).blockLast(Duration.ofSeconds(10));
	}

	@Test
	void rolesInTheConfiguredClaimGrantLikeScopes() {
		String admin = issuer.token(Instant.now().plus(Duration.ofHours(1)),
				Map.of("realm_access", Map.of("roles", List.of("captionflow.admin"))));
		assertThat(exchange(HttpMethod.PATCH, "/api/videos/s1", "{\"language\":\"eng\"}", admin).getStatus().value())
			.isEqualTo(200);
		String other = issuer.token(Instant.now().plus(Duration.ofHours(1)),
				Map.of("roles", List.of("captionflow.admin")));
		assertThat(exchange(HttpMethod.GET, "/api/videos", null, other).getStatus().value()).isEqualTo(403);
	}

	/**
	 * One keep-alive connection, each request sent as soon as the previous response has
	 * come, alternating requests without a token and with an expired one: the first kind
	 * is refused off the connection's event loop, so the next request often comes before
	 * the server has finished with the last one, and the second kind is refused at once.
	 * Each must still be answered (reactor/reactor-netty#4361 stalled the request after
	 * such a pair until the client gave up).
	 */
	@Test
	void aKeepAliveConnectionAnswersEachRequestInTurn() throws IOException {
		String expired = "Authorization: Bearer "
				+ issuer.token(Instant.now().minus(Duration.ofHours(1)), "captionflow.read") + "\r\n";
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			InputStream in = new BufferedInputStream(socket.getInputStream());
			OutputStream out = socket.getOutputStream();
			for (int i = 0; i < 400; i++) {
				String token = (i % 2 == 0) ? "" : expired;
				out.write(("GET /api/videos HTTP/1.1\r\nHost: localhost\r\n" + token + "\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				String head = readHead(in);
				assertThat(head).as("response %d", i).startsWith("HTTP/1.1 401 ");
				Matcher length = CONTENT_LENGTH.matcher(head);
				assertThat(length.find()).as("response %d has a length: %s", i, head).isTrue();
				assertThat(in.readNBytes(Integer.parseInt(length.group(1)))).asString(StandardCharsets.UTF_8)
					.contains((i % 2 == 0) ? "sign in, or send a bearer token" : "expired");
			}
		}
	}

	private static String readHead(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("the connection ended in a response head: " + head);
			}
			head.append((char) b);
		}
		return head.toString();
	}

	@Test
	void healthIsOpenAndTellsNothingMore() {
		this.http.get().uri("/actuator/health").exchange().expectStatus().isOk();
	}

	@Test
	void aPageNotSignedInIsSentToTheLoginWithPkce() {
		this.http.get()
			.uri("/video.html?videoId=s1")
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.isFound()
			.expectHeader()
			.location(AccessConfiguration.LOGIN_PATH);
		String authorize = this.http.get()
			.uri(AccessConfiguration.LOGIN_PATH)
			.exchange()
			.expectStatus()
			.isFound()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation()
			.toString();
		assertThat(authorize).startsWith(issuer.uri() + "/authorize?")
			.contains("client_id=captionflow-gateway")
			.contains("code_challenge_method=S256")
			.contains("code_challenge=")
			.contains("scope=openid%20captionflow.read%20captionflow.annotate");
		// the API never redirects: a script learns it must sign in again
		this.http.get()
			.uri("/api/videos")
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(AccessConfiguration.LOGIN_HEADER, AccessConfiguration.LOGIN_PATH);
	}

	@Test
	void pagesAndMediaCarryTheBrowserSecurityHeaders() {
		String token = valid("captionflow.read");
		this.http.get()
			.uri("/video.html")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Content-Security-Policy", AccessConfiguration.CONTENT_SECURITY_POLICY)
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectHeader()
			.valueEquals("X-Frame-Options", "DENY");
		this.http.get()
			.uri("/api/videos/s1/media")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("video/mp4")
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff");
	}

	private void assertRefused(FluxExchangeResult<DataBuffer> result, int status, String detail) {
		assertThat(result.getStatus().value()).as(result.getMethod() + " " + result.getUrl()).isEqualTo(status);
		assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(read(result).path("detail").asString()).contains(detail);
	}

	private static String valid(String scope) {
		return issuer.token(Instant.now().plus(Duration.ofHours(1)), scope);
	}

	private FluxExchangeResult<DataBuffer> exchange(HttpMethod method, String path, String body, String token) {
		WebTestClient.RequestBodySpec request = this.http.method(method).uri(path).headers((headers) -> {
			if (token != null) {
				headers.setBearerAuth(token);
			}
		});
		WebTestClient.RequestHeadersSpec<?> ready = (body != null)
				? request.contentType(MediaType.APPLICATION_JSON).bodyValue(body) : request;
		return ready.exchange().returnResult(DataBuffer.class);
	}

	private static JsonNode read(FluxExchangeResult<DataBuffer> result) {
		DataBuffer joined = DataBufferUtils.join(result.getResponseBody()).block(Duration.ofSeconds(10));
		byte[] bytes = new byte[joined.readableByteCount()];
		joined.read(bytes);
		DataBufferUtils.release(joined);
		return json.readTree(new String(bytes, StandardCharsets.UTF_8));
	}

	/**
	 * An endpoint, the permission it needs and its status when served.
	 */
	record Endpoint(HttpMethod method, Function<Long, String> path, String json, Permission permission, int served) {

		static Endpoint read(HttpMethod method, Function<Long, String> path, int served) {
			return new Endpoint(method, path, null, Permission.READ, served);
		}

		String scope() {
			return switch (this.permission) {
				case READ -> "captionflow.read";
				case ANNOTATE -> "captionflow.annotate";
				case ADMIN -> "captionflow.admin";
			};
		}

		String lackingScope() {
			return switch (this.permission) {
				case READ -> "profile email";
				case ANNOTATE -> "captionflow.read";
				case ADMIN -> "captionflow.read captionflow.annotate";
			};
		}

		@Override
		public String toString() {
			return this.method + " " + this.path.apply(0L);
		}

	}

}
