package io.captionflow.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;

import io.captionflow.events.VideoManifest;
import io.captionflow.system.issuer.TestAuthorizationServer;
import io.captionflow.system.issuer.TestAuthorizationServer.ApiClient;
import io.captionflow.worker.demo.DemoVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

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

	private static final Duration PATIENCE = Duration.ofSeconds(60);

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
		await(page, (d) -> d.getCurrentUrl().startsWith(this.issuer.issuerUri() + "/login"));
		page.findElement(By.name("username")).sendKeys(TestAuthorizationServer.USER);
		page.findElement(By.name("password")).sendKeys(this.issuer.password());
		page.findElement(By.cssSelector("button[type=submit], input[type=submit]")).click();
		// back on the page asked for (the request cache may add its "continue" marker)
		await(page, (d) -> d.getCurrentUrl().startsWith(videoPage));

		// the list, the media and the stream, on the session cookie alone
		await(page, (d) -> "live".equals(connection(d)) && !d.findElements(By.cssSelector("#captions tr")).isEmpty());
		await(page, (d) -> text(d,
				"document.getElementById('player').readyState >= 1 || document.getElementById('player').error !== null")
			.equals("true"));
		assertThat(text(page, "document.getElementById('player').error?.message")).as("the player's error").isEmpty();
		assertThat(text(page, "document.getElementById('player').videoWidth")).as("the decoded video's width")
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
		await(page, (d) -> {
			String status = statusOf(d, captionId);
			if (!status.equals("idle") && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status))) {
				seen.add(status);
			}
			return status.equals("completed");
		});
		assertThat(seen).as("badges after saving").startsWith("queued").endsWith("completed");
		assertThat(page.findElement(By.cssSelector("#caption-" + captionId + " [data-ocr-text]")).getText())
			.isEqualTo(burnedIn.text());
		await(page, (d) -> (Boolean) ((JavascriptExecutor) d).executeScript(
				"const i = document.getElementById('median'); return !i.hidden && i.complete && i.naturalWidth > 0;"));
		assertThat(consoleOf(page)).anyMatch((line) -> line.contains("[SSE] Connected"));
	}

	private WebDriver browser() {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"));
		Path profile;
		try {
			profile = Files.createTempDirectory(workDir, "chromium-profile");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir=" + profile, "--window-size=1280,900");
		LoggingPreferences logging = new LoggingPreferences();
		logging.enable(LogType.BROWSER, Level.ALL);
		options.setCapability("goog:loggingPrefs", logging);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(System.getProperty("chromium.driver", "/usr/bin/chromedriver")))
			.usingAnyFreePort()
			.build();
		WebDriver driver = new ChromeDriver(service, options);
		this.browsers.add(driver);
		return driver;
	}

	private static String connection(WebDriver page) {
		return text(page, "document.getElementById('connection').dataset.status");
	}

	private static String statusOf(WebDriver page, String captionId) {
		return text(page, "document.querySelector('#caption-" + captionId + " [data-ocr-status]')?.dataset.ocrStatus");
	}

	/** Reads the page in one script, so that a re-render in between cannot go stale. */
	private static String text(WebDriver page, String expression) {
		Object value = ((JavascriptExecutor) page).executeScript("return String((" + expression + ") ?? '');");
		return String.valueOf(value);
	}

	private static List<String> consoleOf(WebDriver page) {
		return page.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
	}

	private static void await(WebDriver page, Function<WebDriver, Boolean> condition) {
		new WebDriverWait(page, PATIENCE, Duration.ofMillis(100)).ignoring(StaleElementReferenceException.class)
			.withMessage(() -> "the page at " + page.getCurrentUrl() + " shows: "
					+ page.findElement(By.tagName("body")).getText())
			.until(condition::apply);
	}

}
