package io.captionflow.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.captionflow.events.EventJson;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import io.captionflow.testsupport.IndexedVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages in a real browser (Debian's Chromium, headless, driven through its
 * chromedriver) against the real system: an embedded KRaft broker, the gateway and the
 * worker, a rendered H.264 video with burned-in captions. Screenshots of both pages go to
 * {@code target/screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIntegrationTests {

	@TempDir
	static Path workDir;

	private EmbeddedKafkaBroker broker;

	private ConfigurableApplicationContext gateway;

	private ConfigurableApplicationContext worker;

	private VideoManifest manifest;

	private int port;

	private final List<WebDriver> browsers = new ArrayList<>();

	@BeforeAll
	void startSystem() throws IOException {
		Path media = workDir.resolve("media");
		this.manifest = new DemoVideo(DemoVideo.Spec.shortClip()).render(media, "clip", "clips/clip.mp4");
		this.broker = new EmbeddedKafkaKraftBroker(1, 6);
		this.broker.afterPropertiesSet();
		try (ServerSocket socket = new ServerSocket(0)) {
			this.port = socket.getLocalPort();
		}
		startGateway();
		this.worker = SystemApplications.worker(workDir, this.broker.getBrokersAsString());
	}

	private void startGateway() {
		// on the same port each time: the pages reconnect to where they were; the gateway
		// offers German, which the worker does not have, so that a caption ends in error
		this.gateway = SystemApplications.gateway(workDir, this.port, this.broker.getBrokersAsString(),
				"--captionflow.gateway.limits.languages=eng,deu");
	}

	@AfterEach
	void closeBrowsers() {
		this.browsers.forEach(WebDriver::quit);
		this.browsers.clear();
	}

	@AfterAll
	void stopSystem() {
		SystemApplications.close(this.worker, this.gateway);
		if (this.broker != null) {
			this.broker.destroy();
		}
	}

	@Test
	@Order(1)
	void savingExtentsInThePageShowsQueuedThenTheOcrTextAndASecondWindowFollows() throws IOException {
		WebDriver page = browser();
		page.get(url("/video.html?id=clip"));
		Chromium.await(page, (d) -> "live".equals(Chromium.connection(d)));
		Chromium.await(page, (d) -> !d.findElements(By.cssSelector("#captions tr")).isEmpty());
		Chromium.await(page, (d) -> Chromium.text(d,
				"document.getElementById('player').readyState >= 1 || document.getElementById('player').error !== null")
			.equals("true"));
		assertThat(Chromium.text(page, "document.getElementById('player').error?.message")).as("the player's error")
			.isEmpty();
		assertThat(Chromium.text(page, "document.getElementById('player').videoWidth")).as("the decoded video's width")
			.isEqualTo("1280");

		String videoWindow = page.getWindowHandle();
		WebDriver videos = page.switchTo().newWindow(WindowType.WINDOW);
		videos.get(url("/"));
		Chromium.await(videos,
				(d) -> d.findElement(By.cssSelector("#video-clip [data-annotations]")).getText().equals("2"));
		page.switchTo().window(videoWindow);

		VideoManifest.PredictedCaption burnedIn = this.manifest.captions().get(0);
		WebElement row = page.findElements(By.cssSelector("#captions tr")).get(0);
		String captionId = row.getDomAttribute("data-caption");
		row.click();
		Chromium.await(page,
				(d) -> d.findElement(By.id("frame")).getText().startsWith("frame " + burnedIn.startFrameIndex()));
		page.findElement(By.id("set-start")).click();
		// step to the last frame with the keyboard: Shift+→ moves 10 frames, → one
		int distance = burnedIn.endFrameIndex() - burnedIn.startFrameIndex();
		Actions keys = new Actions(page);
		for (int i = 0; i < distance / 10; i++) {
			keys.keyDown(Keys.SHIFT).sendKeys(Keys.ARROW_RIGHT).keyUp(Keys.SHIFT).perform();
		}
		for (int i = 0; i < distance % 10; i++) {
			keys.sendKeys(Keys.ARROW_RIGHT).perform();
		}
		Chromium.await(page,
				(d) -> d.findElement(By.id("frame")).getText().startsWith("frame " + burnedIn.endFrameIndex() + " "));
		page.findElement(By.id("set-end")).click();
		assertThat(page.findElement(By.id("start")).getDomProperty("value"))
			.isEqualTo(String.valueOf(burnedIn.startFrameIndex()));
		assertThat(page.findElement(By.id("end")).getDomProperty("value"))
			.isEqualTo(String.valueOf(burnedIn.endFrameIndex()));

		page.findElement(By.id("save")).click();
		// every badge the caption shows from the click on, without reloading
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
		assertThat(page.findElement(By.id("ocr-text")).getText()).isEqualTo(burnedIn.text());
		Chromium.await(page, (d) -> (Boolean) ((JavascriptExecutor) d).executeScript(
				"const i = document.getElementById('median'); return !i.hidden && i.complete && i.naturalWidth > 0;"));
		assertThat(Chromium.consoleOf(page)).anyMatch((line) -> line.contains("[SSE] Connected"))
			.anyMatch((line) -> line.contains("[useVideoStats] SSE update for clip"));
		screenshot(page, "video-page.png");

		// the annotator takes the OCR text and confirms it
		page.findElement(By.id("use-ocr")).click();
		assertThat(page.findElement(By.id("text")).getDomProperty("value")).isEqualTo(burnedIn.text());
		page.findElement(By.id("confirm")).click();
		Chromium.await(page, (d) -> d.findElement(By.id("text-status")).getText().equals("confirmed"));
		assertThat(page.findElement(By.id("message")).getText()).isEqualTo("Text confirmed");

		page.manage().window().setSize(new Dimension(390, 844));
		screenshot(page, "video-page-phone.png");
		page.manage().window().setSize(new Dimension(1280, 900));

		page.switchTo().window(otherWindow(page));
		Chromium.await(page,
				(d) -> d.findElement(By.cssSelector("#video-clip [data-stats]")).getText().contains("completed 1"));
		screenshot(page, "videos-page.png");
	}

	@Test
	@Order(5)
	void aCaptionThatCannotBeReadShowsItsErrorAndTheReason() {
		WebClient.create(url(""))
			.patch()
			.uri("/api/videos/clip")
			.bodyValue(Map.of("language", "deu"))
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(5));
		WebDriver page = browser();
		page.get(url("/video.html?id=clip"));
		Chromium.await(page, (d) -> "live".equals(Chromium.connection(d))
				&& !d.findElements(By.cssSelector("#captions tr")).isEmpty());
		WebElement row = page.findElements(By.cssSelector("#captions tr")).get(0);
		String captionId = row.getDomAttribute("data-caption");
		row.click();
		page.findElement(By.id("save")).click();
		Chromium.await(page, (d) -> Chromium.statusOf(d, captionId).equals("error"));
		assertThat(page.findElement(By.id("ocr-error")).getText()).contains("deu");
		assertThat(page.findElement(By.cssSelector("#caption-" + captionId + " .reason")).getText()).contains("deu");
	}

	@Test
	@Order(2)
	void stepsFrameByFrameExactlyWithTheKeyboard() throws IOException {
		IndexedVideo.h264(100, 25)
			.render(Files.createDirectories(workDir.resolve("media/indexed")).resolve("indexed.mp4"));
		WebClient.create(url(""))
			.post()
			.uri("/api/videos")
			.bodyValue(
					Map.of("id", "indexed", "title", "Frames that carry their index", "media", "indexed/indexed.mp4"))
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(10));
		WebDriver page = browser();
		page.get(url("/video.html?id=indexed"));
		Chromium.await(page,
				(d) -> Chromium.text(d, "document.getElementById('player').readyState >= 2").equals("true"));
		assertThat(shownFrame(page)).isZero();
		Actions keys = new Actions(page);
		for (int i = 0; i < 7; i++) {
			keys.sendKeys(Keys.ARROW_RIGHT).perform();
		}
		assertThat(shownFrame(page)).isEqualTo(7);
		for (int i = 0; i < 3; i++) {
			keys.keyDown(Keys.SHIFT).sendKeys(Keys.ARROW_RIGHT).keyUp(Keys.SHIFT).perform();
		}
		assertThat(shownFrame(page)).as("across a keyframe").isEqualTo(37);
		keys.sendKeys(Keys.ARROW_LEFT).perform();
		assertThat(shownFrame(page)).isEqualTo(36);
		WebElement go = page.findElement(By.id("goto"));
		go.clear();
		go.sendKeys("99", Keys.ENTER);
		assertThat(shownFrame(page)).as("the last frame").isEqualTo(99);
		keys.sendKeys(Keys.ARROW_RIGHT).perform();
		assertThat(shownFrame(page)).as("no step past the last frame").isEqualTo(99);
	}

	/**
	 * The frame the player shows, read from the pixels: the page's frame counter must
	 * agree with it.
	 */
	private static int shownFrame(WebDriver page) {
		String[] shown = new String[1];
		Chromium.await(page, (d) -> {
			shown[0] = Chromium.text(d, """
					(() => {
					  const v = document.getElementById('player');
					  if (v.seeking || v.readyState < 2) return '';
					  const canvas = document.createElement('canvas');
					  canvas.width = v.videoWidth;
					  canvas.height = v.videoHeight;
					  const g = canvas.getContext('2d');
					  g.drawImage(v, 0, 0);
					  let index = 0;
					  for (let bit = 0; bit < %d; bit++) {
					    const p = g.getImageData(%d + bit * %d + %d / 2, %d + %d / 2, 1, 1).data;
					    if ((p[0] + p[1] + p[2]) / 3 > 128) index |= 1 << bit;
					  }
					  return index + ' ' + document.getElementById('frame').value;
					})()""".formatted(IndexedVideo.BITS, IndexedVideo.BITS_BOX.x(), IndexedVideo.BLOCK,
					IndexedVideo.BLOCK, IndexedVideo.BITS_BOX.y(), IndexedVideo.BLOCK));
			return !shown[0].isEmpty();
		});
		String[] parts = shown[0].split(" ", 2);
		assertThat(parts[1]).as("the frame counter").startsWith("frame " + parts[0] + " ");
		return Integer.parseInt(parts[0]);
	}

	@Test
	@Order(3)
	void thePageReconnectsAfterAGatewayRestartAndShowsTheResultItMissed() {
		WebDriver page = browser();
		page.get(url("/video.html?id=clip"));
		Chromium.await(page, (d) -> "live".equals(Chromium.connection(d))
				&& !d.findElements(By.cssSelector("#captions tr")).isEmpty());
		VideoManifest.PredictedCaption burnedIn = this.manifest.captions().get(1);
		WebElement row = page.findElements(By.cssSelector("#captions tr")).get(1);
		String captionId = row.getDomAttribute("data-caption");
		row.click();
		page.findElement(By.id("start")).clear();
		page.findElement(By.id("start")).sendKeys(String.valueOf(burnedIn.startFrameIndex()));
		page.findElement(By.id("end")).clear();
		page.findElement(By.id("end")).sendKeys(String.valueOf(burnedIn.endFrameIndex()));
		page.findElement(By.id("save")).click();
		Chromium.await(page, (d) -> !Chromium.statusOf(d, captionId).equals("idle"));

		this.gateway.close();
		Chromium.await(page, (d) -> List.of("reconnecting", "offline").contains(Chromium.connection(d)));
		startGateway();
		Chromium.await(page, (d) -> "live".equals(Chromium.connection(d)));
		Chromium.await(page, (d) -> Chromium.statusOf(d, captionId).equals("completed"));
		assertThat(page.findElement(By.cssSelector("#caption-" + captionId + " [data-ocr-text]")).getText())
			.isEqualTo(burnedIn.text());
	}

	@Test
	@Order(4)
	void tenTabsShareOneStreamAndAllStayLive() {
		WebDriver browser = browser();
		List<String> tabs = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			WebDriver tab = (i == 0) ? browser : browser.switchTo().newWindow(WindowType.TAB);
			tab.get(url("/"));
			Chromium.await(tab, (d) -> "live".equals(Chromium.connection(d)));
			tabs.add(tab.getWindowHandle());
		}
		WebClient http = WebClient.create(url(""));
		awaitTrue(() -> Integer.valueOf(1)
			.equals(http.get()
				.uri("/api/events/clients")
				.retrieve()
				.bodyToMono(Map.class)
				.map((body) -> ((Number) body.get("clients")).intValue())
				.block(Duration.ofSeconds(5))));

		// a new caption after the last one: every tab sees it counted, then completed
		int completed = completedCount(browser);
		// someone in the last tab has tabbed to the video's link: the update must leave
		// the focus there
		WebElement link = browser.findElement(By.cssSelector("#video-clip a"));
		((JavascriptExecutor) browser).executeScript("arguments[0].focus()", link);
		int annotations = Integer
			.parseInt(Chromium.text(browser, "document.querySelector('#video-clip [data-annotations]').textContent"));
		http.post()
			.uri("/api/videos/clip/captions")
			.bodyValue(Map.of("startFrameIndex", this.manifest.frameCount() - 5, "endFrameIndex",
					this.manifest.frameCount() - 1, "state", "confirmed"))
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(5));
		for (String tab : tabs) {
			browser.switchTo().window(tab);
			Chromium
				.await(browser,
						(d) -> completedCount(d) == completed + 1 && Chromium
							.text(d, "document.querySelector('#video-clip [data-annotations]').textContent")
							.equals(String.valueOf(annotations + 1)) && "live".equals(Chromium.connection(d)));
		}
		assertThat(browser.switchTo().activeElement()).isEqualTo(link);
	}

	@Test
	@Order(6)
	void aCaptionDeletedInOneWindowGoesFromTheOtherAndAConfirmedTextShows() {
		WebDriver browser = browser();
		browser.get(url("/video.html?id=clip"));
		Chromium.await(browser, (d) -> "live".equals(Chromium.connection(d))
				&& !d.findElements(By.cssSelector("#captions tr")).isEmpty());
		String first = browser.getWindowHandle();
		browser.switchTo().newWindow(WindowType.WINDOW).get(url("/video.html?id=clip"));
		Chromium.await(browser, (d) -> "live".equals(Chromium.connection(d))
				&& !d.findElements(By.cssSelector("#captions tr")).isEmpty());
		String second = browser.getWindowHandle();
		List<WebElement> rows = browser.findElements(By.cssSelector("#captions tr"));
		String deleted = rows.get(rows.size() - 1).getDomAttribute("data-caption");
		String kept = rows.get(0).getDomAttribute("data-caption");
		// the annotator in the second window has tabbed to a row: updates must not take
		// the focus away
		WebElement focused = browser.findElement(By.id("caption-" + kept));
		((JavascriptExecutor) browser).executeScript("arguments[0].focus()", focused);

		browser.switchTo().window(first);
		browser.findElement(By.id("caption-" + deleted)).click();
		browser.findElement(By.id("delete")).click();
		Chromium.await(browser, (d) -> d.findElements(By.id("caption-" + deleted)).isEmpty());
		browser.findElement(By.id("caption-" + kept)).click();
		browser.findElement(By.id("text")).clear();
		browser.findElement(By.id("text")).sendKeys("Typed by the annotator");
		browser.findElement(By.id("confirm")).click();

		browser.switchTo().window(second);
		Chromium.await(browser, (d) -> d.findElements(By.id("caption-" + deleted)).isEmpty());
		Chromium.await(browser,
				(d) -> Chromium.text(d, "document.querySelector('#caption-" + kept + " [data-ocr-text]').textContent")
					.equals("Typed by the annotator"));
		assertThat(browser.switchTo().activeElement()).isEqualTo(focused);
	}

	@Test
	@Order(7)
	void aVideoWithMoreCaptionsThanAPageShowsThemAll() throws Exception {
		// one predicted caption on each of the first 1,100 frames: more than the API's
		// largest page of 1,000, imported from a manifest as at start-up (no OCR queued)
		int count = 1100;
		Path media = workDir.resolve("media");
		IndexedVideo.h264(count + 10, 25).render(Files.createDirectories(media.resolve("long")).resolve("long.mp4"));
		List<VideoManifest.PredictedCaption> captions = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			captions.add(new VideoManifest.PredictedCaption(i, i, null));
		}
		VideoManifest manifest = new VideoManifest("long", "A long list", "long/long.mp4", 25, count + 10, 480, 270,
				IndexedVideo.BITS_BOX, "eng", captions);
		Files.write(media.resolve("long/long" + VideoManifest.SUFFIX), EventJson.write(manifest));
		this.gateway.getBean("manifestImporter", ApplicationRunner.class).run(new DefaultApplicationArguments());

		WebDriver page = browser();
		page.get(url("/video.html?id=long"));
		Chromium.await(page, (d) -> d.findElements(By.cssSelector("#captions tr")).size() == count);
		assertThat(Chromium.text(page, "document.querySelector('#captions tr:last-child td:nth-child(2)').textContent"))
			.isEqualTo((count - 1) + "–" + (count - 1));
	}

	private WebDriver browser() {
		WebDriver driver = Chromium.start(workDir);
		this.browsers.add(driver);
		return driver;
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	private static int completedCount(WebDriver page) {
		String badge = Chromium.text(page,
				"document.querySelector(\"#video-clip [data-ocr='completed']\")?.textContent");
		return badge.isEmpty() ? 0 : Integer.parseInt(badge.replaceAll("\\D+", ""));
	}

	private static String otherWindow(WebDriver page) {
		String current = page.getWindowHandle();
		return page.getWindowHandles().stream().filter((handle) -> !handle.equals(current)).findFirst().orElseThrow();
	}

	private static void awaitTrue(Callable<Boolean> condition) {
		Awaitility.await().atMost(Chromium.PATIENCE).until(condition);
	}

	/**
	 * Saves a screenshot to {@code target/screenshots}, or to the folder the
	 * {@code screenshots} property names ({@code make screenshots} puts them in docs).
	 */
	private static void screenshot(WebDriver page, String name) throws IOException {
		Path folder = Path.of(System.getProperty("screenshots", "target/screenshots"));
		Files.createDirectories(folder);
		Files.write(folder.resolve(name), ((TakesScreenshot) page).getScreenshotAs(OutputType.BYTES));
	}

}
