package io.captionflow.system;

import java.io.IOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.captionflow.events.VideoManifest;
import io.captionflow.system.issuer.TestAuthorizationServer;
import io.captionflow.system.issuer.TestAuthorizationServer.ApiClient;
import io.captionflow.testsupport.DemoVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing in to the pages through a real OAuth2 login: the gateway in {@code oauth2} mode
 * against a {@link TestAuthorizationServer}, Debian's Chromium signing in with the
 * issuer's form, then the page working on its session cookie alone: the API, the media,
 * the event stream, and a save that carries the CSRF token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserSignInIntegrationTests {

	@TempDir
	static Path workDir;

	private EmbeddedKafkaBroker broker;

	private TestAuthorizationServer issuer;

	private ConfigurableApplicationContext gateway;

	private ConfigurableApplicationContext worker;

	private VideoManifest manifest;

	/**
	 * The gateway, as the browser reaches it: the issuer refuses "localhost" redirects.
	 */
	private String gatewayUri;

	private final List<WebDriver> browsers = new ArrayList<>();

	@BeforeAll
	void startSystem() throws IOException {
		this.manifest = new DemoVideo(DemoVideo.Spec.shortClip()).render(workDir.resolve("media"), "clip",
				"clips/clip.mp4");
		this.broker = new EmbeddedKafkaKraftBroker(1, 6);
		this.broker.afterPropertiesSet();
		// the issuer compares redirect URIs exactly: the gateway's port comes first
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		this.gatewayUri = "http://127.0.0.1:" + port;
		this.issuer = TestAuthorizationServer.start(this.gatewayUri + "/login/oauth2/code/captionflow");
		this.gateway = SystemApplications.gateway(workDir, port, this.broker.getBrokersAsString(),
				this.issuer.gatewaySettings());
		this.worker = SystemApplications.worker(workDir, this.broker.getBrokersAsString());
	}

	@AfterEach
	void closeBrowsers() {
		this.browsers.forEach(WebDriver::quit);
		this.browsers.clear();
	}

	@AfterAll
	void stopSystem() {
		SystemApplications.close(this.worker, this.gateway);
		if (this.issuer != null) {
			this.issuer.close();
		}
		if (this.broker != null) {
			this.broker.destroy();
		}
	}

	@Test
	void withoutSigningInTheApiAnswers401AndAPageLeadsToTheIssuersSignInForm() throws Exception {
		HttpClient anonymous = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		HttpResponse<String> api = anonymous.send(
				HttpRequest.newBuilder(URI.create(this.gatewayUri + "/api/videos")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(api.statusCode()).isEqualTo(401);

		// a browser's request for a page, redirects followed with cookies kept: it ends
		// on the issuer's form
		HttpClient browserLike = HttpClient.newBuilder()
			.cookieHandler(new CookieManager())
			.followRedirects(HttpClient.Redirect.NORMAL)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		HttpResponse<String> page = browserLike
			.send(HttpRequest.newBuilder(URI.create(this.gatewayUri + "/video.html?id=clip"))
				.header("Accept", "text/html")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(page.uri()).hasToString(this.issuer.issuerUri() + "/login");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("name=\"username\"", "name=\"password\"");

		// the same API with a token from the issuer
		HttpResponse<String> withToken = anonymous
			.send(HttpRequest.newBuilder(URI.create(this.gatewayUri + "/api/videos"))
				.header("Authorization", "Bearer " + this.issuer.accessToken(ApiClient.READER))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(withToken.statusCode()).isEqualTo(200);
		assertThat(withToken.body()).contains("\"clip\"");
	}

	@Test
	void aSignedInPageStreamsPlaysAndSavesACaptionThatComesBackWithItsOcrText() {
		WebDriver page = browser();
		String videoPage = this.gatewayUri + "/video.html?id=clip";
		page.get(videoPage);
		Chromium.await(page, (d) -> d.getCurrentUrl().startsWith(this.issuer.issuerUri() + "/login"));
		page.findElement(By.name("username")).sendKeys(TestAuthorizationServer.USER);
		page.findElement(By.name("password")).sendKeys(this.issuer.password());
		page.findElement(By.cssSelector("button[type=submit], input[type=submit]")).click();
		// back on the page asked for (the request cache may add its "continue" marker)
		Chromium.await(page, (d) -> d.getCurrentUrl().startsWith(videoPage));

		// the list, the media and the stream, on the session cookie alone
		Chromium.await(page, (d) -> "live".equals(Chromium.connection(d))
				&& !d.findElements(By.cssSelector("#captions tr")).isEmpty());
		Chromium.await(page, (d) -> Chromium.text(d,
				"document.getElementById('player').readyState >= 1 || document.getElementById('player').error !== null")
			.equals("true"));
		assertThat(Chromium.text(page, "document.getElementById('player').error?.message")).as("the player's error")
			.isEmpty();
		assertThat(Chromium.text(page, "document.getElementById('player').videoWidth")).as("the decoded video's width")
			.isEqualTo("1280");

		// a write with the session but without the CSRF token is refused
		Object refused = ((JavascriptExecutor) page).executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				fetch('/api/videos/clip/captions', { method: 'POST', headers: { 'Content-Type': 'application/json' },
				  body: JSON.stringify({ startFrameIndex: 0, endFrameIndex: 1 }) })
				  .then((r) => done(r.status), (e) => done(String(e)));""");
		assertThat(refused).as("a save without the CSRF header").isEqualTo(403L);

		// the page's own save carries it
		VideoManifest.PredictedCaption burnedIn = this.manifest.captions().get(0);
		WebElement row = page.findElements(By.cssSelector("#captions tr")).get(0);
		String captionId = row.getDomAttribute("data-caption");
		row.click();
		page.findElement(By.id("start")).clear();
		page.findElement(By.id("start")).sendKeys(String.valueOf(burnedIn.startFrameIndex()));
		page.findElement(By.id("end")).clear();
		page.findElement(By.id("end")).sendKeys(String.valueOf(burnedIn.endFrameIndex()));
		page.findElement(By.id("save")).click();
		List<String> seen = new ArrayList<>();
		Chromium.await(page, (d) -> {
			String status = Chromium.statusOf(d, captionId);
			if (!status.equals("idle") && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status))) {
				seen.add(status);
			}
			return status.equals("completed");
		});
		assertThat(seen).as("badges after saving").startsWith("queued").endsWith("completed");
		assertThat(page.findElement(By.cssSelector("#caption-" + captionId + " [data-ocr-text]")).getText())
			.isEqualTo(burnedIn.text());
		Chromium.await(page, (d) -> (Boolean) ((JavascriptExecutor) d).executeScript(
				"const i = document.getElementById('median'); return !i.hidden && i.complete && i.naturalWidth > 0;"));
		assertThat(Chromium.consoleOf(page)).anyMatch((line) -> line.contains("[SSE] Connected"));
	}

	private WebDriver browser() {
		WebDriver driver = Chromium.start(workDir);
		this.browsers.add(driver);
		return driver;
	}

}
