package io.captionflow.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import static org.awaitility.Awaitility.await;

/**
 * A real single-node KRaft broker in its own process, from the Kafka jars the infra
 * module resolves (the same broker {@code make run} starts), with its data in a folder of
 * its own, so it can be stopped and started again with its data intact.
 */
final class KafkaBrokerProcess implements AutoCloseable {

	private static final String CLUSTER_ID = "Q2FwdGlvbkZsb3dUZXN0cw";

	private final Path folder;

	private final int port;

	private final String classpath;

	private Process process;

	KafkaBrokerProcess(Path folder) throws IOException, InterruptedException {
		this.folder = folder;
		this.port = freePort();
		int controllerPort = freePort();
		Path classpathFile = Path.of("../infra/target/kafka.classpath").toAbsolutePath().normalize();
		if (!Files.exists(classpathFile)) {
			throw new IllegalStateException(classpathFile + " is missing: build the infra module first");
		}
		this.classpath = Files.readString(classpathFile).trim();
		Files.createDirectories(folder);
		Files
			.writeString(folder.resolve("server.properties"),
					String.join("\n", "process.roles=broker,controller", "node.id=1",
							"controller.quorum.voters=1@127.0.0.1:" + controllerPort,
							"listeners=PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:"
									+ controllerPort,
							"advertised.listeners=PLAINTEXT://127.0.0.1:" + this.port,
							"controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
							"listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
							"log.dirs=" + folder.resolve("logs"), "auto.create.topics.enable=false", "num.partitions=6",
							"offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
							"transaction.state.log.min.isr=1", "share.coordinator.state.topic.replication.factor=1",
							"share.coordinator.state.topic.min.isr=1", "group.initial.rebalance.delay.ms=0", ""));
		Process format = run("kafka.tools.StorageTool", "format", "-t", CLUSTER_ID, "-c",
				folder.resolve("server.properties").toString(), "--ignore-formatted");
		if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
			throw new IllegalStateException(
					"formatting the broker's storage failed: see " + folder.resolve("broker.log"));
		}
	}

	String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	/**
	 * Starts the broker and waits until it answers.
	 */
	void start() throws IOException {
		this.process = run("kafka.Kafka", this.folder.resolve("server.properties").toString());
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
				3000))) {
			await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("the broker exited with " + this.process.exitValue());
				}
				return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
			});
		}
	}

	/**
	 * Stops the broker (SIGTERM, a clean shutdown) and waits until it is gone.
	 */
	void stop() throws InterruptedException {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroy();
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Override
	public void close() {
		try {
			stop();
		}
		catch (InterruptedException ex) {
			// the broker got its signal; whoever interrupted us decides what comes next
			Thread.currentThread().interrupt();
		}
	}

	private Process run(String main, String... args) throws IOException {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms128m", "-Xmx512m",
						"-Dlog4j2.configurationFile="
								+ Path.of("../infra/kafka/log4j2.yaml").toAbsolutePath().normalize(),
						"-cp", this.classpath, main));
		command.addAll(List.of(args));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.folder.resolve("broker.log").toFile()))
			.start();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
