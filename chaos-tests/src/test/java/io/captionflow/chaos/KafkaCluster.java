package io.captionflow.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Real KRaft brokers from the Kafka jars the infra module resolves (the broker
 * {@code make run} starts), each node broker and controller at once, with its data in a
 * folder of its own so that it can be killed and started again on it. One node, or three
 * with replication factor 3 and {@code min.insync.replicas} 2 as the brokers' defaults
 * (the gateway creates its topics with the broker's default replication factor).
 */
final class KafkaCluster implements AutoCloseable {

	private static final String CLUSTER_ID = "Q2FwdGlvbkZsb3dDaGFvcw";

	private final List<LaunchedProcess> nodes = new ArrayList<>();

	private final String bootstrapServers;

	KafkaCluster(Path folder, int size) throws IOException, InterruptedException {
		String classpath = Files.readString(Settings.kafkaClasspath()).trim();
		int[] ports = new int[size];
		int[] controllers = new int[size];
		for (int i = 0; i < size; i++) {
			ports[i] = Settings.freePort();
			controllers[i] = Settings.freePort();
		}
		String voters = java.util.stream.IntStream.range(0, size)
			.mapToObj((i) -> (i + 1) + "@127.0.0.1:" + controllers[i])
			.collect(Collectors.joining(","));
		int replicas = (size >= 3) ? 3 : 1;
		int minIsr = (size >= 3) ? 2 : 1;
		for (int i = 0; i < size; i++) {
			Path data = folder.resolve("node-" + (i + 1));
			Files.createDirectories(data);
			Path properties = data.resolve("server.properties");
			Files.writeString(properties, String.join("\n", "process.roles=broker,controller", "node.id=" + (i + 1),
					"controller.quorum.voters=" + voters,
					"listeners=PLAINTEXT://127.0.0.1:" + ports[i] + ",CONTROLLER://127.0.0.1:" + controllers[i],
					"advertised.listeners=PLAINTEXT://127.0.0.1:" + ports[i], "controller.listener.names=CONTROLLER",
					"inter.broker.listener.name=PLAINTEXT",
					"listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
					"log.dirs=" + data.resolve("logs"), "auto.create.topics.enable=false", "num.partitions=6",
					"default.replication.factor=" + replicas, "min.insync.replicas=" + minIsr,
					"offsets.topic.replication.factor=" + replicas,
					"transaction.state.log.replication.factor=" + replicas, "transaction.state.log.min.isr=" + minIsr,
					"share.coordinator.state.topic.replication.factor=" + replicas,
					"share.coordinator.state.topic.min.isr=" + minIsr, "group.initial.rebalance.delay.ms=0",
					// the fault is the process dying, not the disk: let the page cache
					// hold the log
					"log.flush.interval.messages=9223372036854775807", ""));
			List<String> java = List.of(Settings.java(), Settings.runTag(folder), "-Xms128m", "-Xmx512m",
					"-XX:+UseSerialGC", "-Dlog4j2.configurationFile=" + Settings.kafkaLog4j(), "-cp", classpath);
			List<String> format = new ArrayList<>(java);
			format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", CLUSTER_ID, "-c", properties.toString(),
					"--ignore-formatted"));
			Process formatting = new ProcessBuilder(format).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("format.log").toFile()))
				.start();
			if (!formatting.waitFor(2, TimeUnit.MINUTES) || formatting.exitValue() != 0) {
				throw new IllegalStateException("formatting " + data + " failed: see " + data.resolve("format.log"));
			}
			List<String> run = new ArrayList<>(java);
			run.addAll(List.of("kafka.Kafka", properties.toString()));
			this.nodes.add(new LaunchedProcess("kafka-" + (i + 1), run, Map.of(),
					folder.resolve("kafka-" + (i + 1) + ".log")));
		}
		this.bootstrapServers = java.util.Arrays.stream(ports)
			.mapToObj((port) -> "127.0.0.1:" + port)
			.collect(Collectors.joining(","));
	}

	String bootstrapServers() {
		return this.bootstrapServers;
	}

	int size() {
		return this.nodes.size();
	}

	LaunchedProcess node(int index) {
		return this.nodes.get(index);
	}

	void start() throws IOException {
		for (LaunchedProcess node : this.nodes) {
			node.start();
		}
		awaitNodes(this.nodes.size());
	}

	void start(int index) throws IOException {
		this.nodes.get(index).start();
		awaitNodes(this.nodes.size());
	}

	/**
	 * Waits until the cluster answers with as many live brokers.
	 */
	void awaitNodes(int live) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
				3000))) {
			Settings.await("Kafka with " + live + " live brokers", Duration.ofMinutes(2), () -> {
				for (LaunchedProcess node : this.nodes) {
					if (!node.isAlive() && live == this.nodes.size()) {
						throw new Settings.ProcessExited(node);
					}
				}
				return admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size() >= live;
			});
		}
	}

	@Override
	public void close() throws InterruptedException {
		for (LaunchedProcess node : this.nodes) {
			node.stop();
		}
	}

}
