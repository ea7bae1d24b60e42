package io.captionflow.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, driven headless through Debian's chromedriver (no Selenium Manager
 * download), with a fresh profile, and the page reads the browser tests share.
 */
final class Chromium {

	/** How long a page may take to show what a test waits for. */
	static final Duration PATIENCE = Duration.ofSeconds(60);

	private Chromium() {
	}

	/**
	 * Starts a browser.
	 * @param workDir the test's folder, where the profile is made
	 * @return the browser; quit it when done
	 */
	static WebDriver start(Path workDir) {
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
		return new ChromeDriver(service, options);
	}

	/** The live connection's state the page shows. */
	static String connection(WebDriver page) {
		return text(page, "document.getElementById('connection').dataset.status");
	}

	/** A caption's OCR status as the video page shows it. */
	static String statusOf(WebDriver page, String captionId) {
		return text(page, "document.querySelector('#caption-" + captionId + " [data-ocr-status]')?.dataset.ocrStatus");
	}

	/** Reads the page in one script, so that a re-render in between cannot go stale. */
	static String text(WebDriver page, String expression) {
		Object value = ((JavascriptExecutor) page).executeScript("return String((" + expression + ") ?? '');");
		return String.valueOf(value);
	}

	/** What the page wrote to the console. */
	static List<String> consoleOf(WebDriver page) {
		return page.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
	}

	/**
	 * Waits until the page shows something; a timeout names the page and what it shows.
	 */
	static void await(WebDriver page, Function<WebDriver, Boolean> condition) {
		// a live page rewrites what an event changed: an element found a moment ago may
		// be gone
		new WebDriverWait(page, PATIENCE, Duration.ofMillis(100)).ignoring(StaleElementReferenceException.class)
			.withMessage(() -> "the page at " + page.getCurrentUrl() + " shows: "
					+ page.findElement(By.tagName("body")).getText())
			.until(condition::apply);
	}

}
