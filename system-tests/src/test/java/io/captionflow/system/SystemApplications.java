package io.captionflow.system;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.captionflow.gateway.GatewayApplication;
import io.captionflow.worker.OcrWorkerApplication;

import org.springframework.boot.reactor.netty.NettyWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Starts the gateway and the worker as every system test does: in this JVM, against a
 * real broker, with the database under {@code data} and the videos under {@code media} of
 * the test's folder.
 */
final class SystemApplications {

	private SystemApplications() {
	}

	/**
	 * Starts a gateway and waits until it reads notifications: each instance reads them
	 * from the latest offset, so a notification sent before would pass it by.
	 * @param workDir the test's folder
	 * @param port the HTTP port, or 0 for any free one
	 * @param brokers the broker's bootstrap servers
	 * @param settings further {@code --name=value} settings
	 * @return the running gateway
	 */
	static ConfigurableApplicationContext gateway(Path workDir, int port, String brokers, String... settings) {
		ConfigurableApplicationContext gateway = GatewayApplication.create()
			.run(arguments(List.of("--server.port=" + port, "--spring.kafka.bootstrap-servers=" + brokers,
					"--captionflow.gateway.data-dir=" + workDir.resolve("data"),
					"--captionflow.gateway.media-root=" + workDir.resolve("media")), settings));
		// the test issuer puts Tomcat on this classpath: the gateway must still serve on
		// Netty, as it does in production
		WebServer server = ((WebServerApplicationContext) gateway).getWebServer();
		if (!(server instanceof NettyWebServer)) {
			gateway.close();
			throw new IllegalStateException("The gateway runs on " + server.getClass().getName() + ", not Netty");
		}
		ContainerTestUtils.waitForAssignment(
				gateway.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("video-notifications"), 6);
		return gateway;
	}

	/**
	 * Starts an OCR worker.
	 * @param workDir the test's folder
	 * @param brokers the broker's bootstrap servers
	 * @param settings further {@code --name=value} settings
	 * @return the running worker
	 */
	static ConfigurableApplicationContext worker(Path workDir, String brokers, String... settings) {
		return OcrWorkerApplication.create()
			.run(arguments(List.of("--spring.kafka.bootstrap-servers=" + brokers, "--server.port=0",
					"--captionflow.worker.media-root=" + workDir.resolve("media")), settings));
	}

	/**
	 * A client of a gateway's HTTP API.
	 * @param gateway the running gateway
	 * @return a client for its port
	 */
	static WebClient http(ConfigurableApplicationContext gateway) {
		return WebClient.create("http://localhost:" + gateway.getEnvironment().getProperty("local.server.port"));
	}

	/**
	 * Closes applications in the order given, skipping those that never started.
	 * @param applications the applications, some possibly null
	 */
	static void close(ConfigurableApplicationContext... applications) {
		for (ConfigurableApplicationContext application : applications) {
			if (application != null) {
				application.close();
			}
		}
	}

	private static String[] arguments(List<String> common, String... settings) {
		List<String> all = new ArrayList<>(common);
		all.addAll(List.of(settings));
		return all.toArray(String[]::new);
	}

}
