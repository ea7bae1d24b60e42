package io.captionflow.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.awaitility.Awaitility;

/**
 * Where the harness finds what the build made (set by the module's POM), and small
 * helpers every part uses.
 */
final class Settings {

	private Settings() {
	}

	/**
	 * Whether the whole suite runs ({@code make chaos}), or the short one
	 * {@code make test} runs.
	 */
	static boolean full() {
		return "full".equals(System.getProperty("chaos.mode", "short"));
	}

	static Path gatewayJar() {
		return existing("chaos.gatewayJar", "build the gateway's exec jar first (mvn -pl api-gateway package)");
	}

	static Path workerJar() {
		return existing("chaos.workerJar", "build the worker's exec jar first (mvn -pl ocr-worker package)");
	}

	static Path kafkaClasspath() {
		return existing("chaos.kafkaClasspath", "build the infra module first (mvn -pl infra package)");
	}

	static Path kafkaLog4j() {
		return existing("chaos.kafkaLog4j", "infra/kafka/log4j2.yaml is missing");
	}

	static Path workDir() {
		return Path.of(System.getProperty("chaos.workDir", "target/chaos")).toAbsolutePath().normalize();
	}

	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/**
	 * A system property every process of a run carries, so that one left over by an
	 * earlier run that was itself killed can be found and ended.
	 */
	static String runTag(Path folder) {
		return "-Dcaptionflow.chaos.run=" + folder.toAbsolutePath().normalize();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Polls until the condition holds, failing with what was awaited past the limit.
	 */
	static void await(String what, Duration limit, Callable<Boolean> condition) {
		Awaitility.await(what)
			.atMost(limit)
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptionsMatching((ex) -> !(ex instanceof ProcessExited))
			.until(condition);
	}

	/**
	 * Lets a fault last: the broker stays down, the database stays stopped. This is the
	 * fault's bound, not a wait for a condition.
	 */
	static void hold(Duration duration) throws InterruptedException {
		Thread.sleep(duration);
	}

	private static Path existing(String property, String otherwise) {
		String value = System.getProperty(property);
		if (value == null || !Files.exists(Path.of(value))) {
			throw new IllegalStateException(property + "=" + value + ": " + otherwise);
		}
		return Path.of(value).toAbsolutePath().normalize();
	}

	/**
	 * A process the harness waits for is gone: waiting longer cannot help.
	 */
	static final class ProcessExited extends IllegalStateException {

		ProcessExited(LaunchedProcess process) {
			super(process.name() + " exited: see " + process.log());
		}

	}

}
