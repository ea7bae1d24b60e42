package io.captionflow.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.captionflow.events.CropBox;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.TestVideos;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Measures the gateway's Server-Sent Events fan-out: how many connections one gateway
 * holds and the heap each costs, and the broadcast latency from an append (a webhook
 * POST) to its receipt by the last of 1,000 and of 10,000 clients.
 * <p>
 * The gateway runs in a JVM of its own, so its heap is its own; the clients run in two
 * more JVMs (each process is limited in open files), reporting the {@code nanoTime} at
 * which each of their connections received each round's event: on Linux that clock is the
 * same for every process. The broker is an embedded KRaft broker in this JVM.
 * <p>
 * Run with {@code make bench-sse}.
 */
public final class SseBroadcastBenchmark {

	private static final int CLIENT_PROCESSES = 2;

	private static final int ROUNDS = 100;

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private SseBroadcastBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && "--client".equals(args[0])) {
			new Clients(args[1]).serve();
			return;
		}
		int wanted = (args.length > 0) ? Integer.parseInt(args[0]) : 20_000;
		long openFiles = openFileLimit();
		// the gateway needs a few hundred files besides its connections (jars, database,
		// Kafka, epoll)
		int connections = (int) Math.min(wanted, openFiles - 500);
		Path work = Files.createTempDirectory("captionflow-sse-bench");
		Path media = work.resolve("media");
		Files.createDirectories(media);
		TestVideos.manifest(media, new VideoManifest("bench", "bench", "bench.mp4", 25, 1000, 1920, 1080,
				new CropBox(0, 920, 1920, 140), "eng", List.of()));
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 6, Topics.CAPTION_OCR_REQUESTS.name(),
				Topics.FLOW_EVENTS.name(), Topics.VIDEO_NOTIFICATIONS.name());
		broker.afterPropertiesSet();
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		String base = "http://localhost:" + port;
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String classpath = System.getProperty("java.class.path");
		Process gateway = new ProcessBuilder(java, "-Xmx2g", "-cp", classpath,
				"io.captionflow.gateway.GatewayApplication", "--server.port=" + port,
				"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
				"--captionflow.gateway.data-dir=" + work.resolve("data"), "--captionflow.gateway.media-root=" + media,
				"--spring.main.banner-mode=off", "--logging.level.root=warn",
				"--management.endpoints.web.exposure.include=health,metrics",
				// every connection comes from this one address, up to the open-file
				// limit: the caps must let them all in
				"--captionflow.gateway.admission.streams.max-total=" + (connections + 100),
				"--captionflow.gateway.admission.streams.max-per-address=" + (connections + 100),
				"--captionflow.gateway.admission.webhooks.per-second=1000000",
				"--captionflow.gateway.admission.webhooks.burst=1000000")
			.redirectErrorStream(true)
			.redirectOutput(work.resolve("gateway.log").toFile())
			.start();
		List<Process> clientProcesses = new ArrayList<>();
		try {
			awaitUp(base);
			List<ClientProcess> clients = new ArrayList<>();
			for (int i = 0; i < CLIENT_PROCESSES; i++) {
				Process process = new ProcessBuilder(java, "-Xmx1g", "-cp", classpath,
						SseBroadcastBenchmark.class.getName(), "--client", base)
					.redirectError(ProcessBuilder.Redirect.INHERIT)
					.start();
				clientProcesses.add(process);
				clients.add(new ClientProcess(process));
			}
			double baseline = heapAfterGc(gateway.pid(), base);
			System.out.printf(
					"Machine: %d cores, Java %s; gateway in its own JVM (-Xmx2g, H2), clients in %d JVMs,"
							+ " embedded KRaft broker; open-file limit per process: %d%n",
					Runtime.getRuntime().availableProcessors(), Runtime.version(), CLIENT_PROCESSES, openFiles);
			System.out.printf("Gateway heap after GC with no client: %.1f MB%n", baseline / 1e6);
			System.out.println("Broadcast latency, append (webhook POST sent) to receipt by the last client, " + ROUNDS
					+ " rounds:");
			// warm-up, not reported: the gateway's and the clients' code compiled
			open(clients, 100);
			awaitClients(base, 100);
			broadcast(base, clients, 200);
			for (int total : new int[] { 1_000, 10_000, connections }) {
				open(clients, total);
				awaitClients(base, total);
				double[][] latencies = broadcast(base, clients, ROUNDS);
				double[] last = latencies[0];
				System.out.printf(
						"  %,6d clients: last client p50 %6.1f  p95 %6.1f  p99 %6.1f  max %6.1f ms | median client p50 %6.1f ms%n",
						total, pct(last, 50), pct(last, 95), pct(last, 99), last[last.length - 1],
						pct(latencies[1], 50));
			}
			double held = heapAfterGc(gateway.pid(), base);
			System.out.printf("Connections held by the gateway: %,d; heap after GC %.1f MB: %.1f KB per connection%n",
					clients(base), held / 1e6, (held - baseline) / connections / 1024);
			if (connections < wanted) {
				System.out.printf("(%,d asked for; this machine allows %,d open files per process, and each"
						+ " connection is one in the gateway and one in a client)%n", wanted, openFiles);
			}
		}
		finally {
			clientProcesses.forEach(Process::destroy);
			gateway.destroy();
			gateway.waitFor(30, TimeUnit.SECONDS);
			broker.destroy();
		}
		System.exit(0);
	}

	/**
	 * Appends one notification per round and waits for every client to receive it.
	 * @return per round, sorted: the latency to the last client, and to the median one
	 */
	private static double[][] broadcast(String base, List<ClientProcess> clients, int rounds) throws Exception {
		double[] last = new double[rounds];
		double[] median = new double[rounds];
		for (int r = 0; r < rounds; r++) {
			long start = System.nanoTime();
			post(base, "bench");
			long lastArrival = 0;
			long medians = 0;
			for (ClientProcess client : clients) {
				long[] arrival = client.awaitRound();
				lastArrival = Math.max(lastArrival, arrival[0]);
				medians += arrival[1] - start;
			}
			last[r] = (lastArrival - start) / 1e6;
			median[r] = medians / clients.size() / 1e6;
		}
		Arrays.sort(last);
		Arrays.sort(median);
		return new double[][] { last, median };
	}

	private static void open(List<ClientProcess> clients, int total) throws InterruptedException {
		int each = total / clients.size();
		for (int i = 0; i < clients.size(); i++) {
			clients.get(i).command("open " + ((i < clients.size() - 1) ? each : total - each * (clients.size() - 1)));
		}
		for (ClientProcess client : clients) {
			client.awaitLine("opened");
		}
	}

	private static void awaitClients(String base, int total) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (clients(base) < total) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the gateway counts " + clients(base) + " clients, not " + total);
			}
			Thread.sleep(100);
		}
	}

	private static int clients(String base) throws Exception {
		String body = HTTP
			.send(HttpRequest.newBuilder(URI.create(base + "/api/events/clients")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		Matcher matcher = Pattern.compile("\"clients\":(\\d+)").matcher(body);
		return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
	}

	private static void post(String base, String flowName) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/webhooks/prefect"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"videoId\":\"bench\",\"flowName\":\"" + flowName + "\",\"status\":\"started\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("webhook answered " + response.statusCode() + ": " + response.body());
		}
	}

	private static void awaitUp(String base) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (HTTP
					.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
							HttpResponse.BodyHandlers.ofString())
					.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("the gateway did not start within 120 s");
	}

	private static double heapAfterGc(long pid, String base) throws Exception {
		String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
		new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start()
			.waitFor(60, TimeUnit.SECONDS);
		String body = HTTP
			.send(HttpRequest.newBuilder(URI.create(base + "/actuator/metrics/jvm.memory.used?tag=area:heap")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		Matcher matcher = Pattern.compile("\"value\":([0-9.E+]+)").matcher(body);
		if (!matcher.find()) {
			throw new IllegalStateException("no heap figure in " + body);
		}
		return Double.parseDouble(matcher.group(1));
	}

	private static long openFileLimit() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
			if (line.startsWith("Max open files")) {
				return Long.parseLong(line.substring(26).trim().split("\\s+")[0]);
			}
		}
		return 20_000;
	}

	private static double pct(double[] sorted, int percent) {
		return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1)];
	}

	/**
	 * A client JVM, driven through its standard input and output.
	 */
	private static final class ClientProcess {

		private final PrintWriter commands;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		ClientProcess(Process process) {
			this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
			Thread.ofPlatform().daemon().start(() -> {
				try (BufferedReader reader = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = reader.readLine()) != null) {
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// the process ended
				}
			});
		}

		void command(String command) {
			this.commands.println(command);
		}

		String awaitLine(String prefix) throws InterruptedException {
			while (true) {
				String line = this.lines.poll(120, TimeUnit.SECONDS);
				if (line == null) {
					throw new IllegalStateException("a client process said nothing for 120 s");
				}
				if (line.startsWith(prefix)) {
					return line;
				}
			}
		}

		/**
		 * Returns the last and the median arrival of the next event in this process (one
		 * event per round).
		 */
		long[] awaitRound() throws InterruptedException {
			String[] fields = awaitLine("round ").split(" ");
			return new long[] { Long.parseLong(fields[2]), Long.parseLong(fields[3]) };
		}

	}

	/**
	 * The client side: opens SSE connections when told, and reports for each round the
	 * last and the median time its connections received the round's event.
	 */
	private static final class Clients {

		private final InetSocketAddress server;

		private final byte[] request;

		private final Selector selector;

		private final Queue<SocketChannel> connecting = new ConcurrentLinkedQueue<>();

		/** Connections that received their first bytes. */
		private final AtomicInteger open = new AtomicInteger();

		private final Map<Integer, long[]> arrivals = new ConcurrentHashMap<>();

		private final Map<Integer, AtomicInteger> claimed = new ConcurrentHashMap<>();

		private final Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();

		private final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);

		Clients(String base) throws IOException {
			URI uri = URI.create(base);
			this.server = new InetSocketAddress(uri.getHost(), uri.getPort());
			this.request = ("GET /api/events/video-stats HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
					+ "\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII);
			this.selector = Selector.open();
			Thread.ofPlatform().name("sse-clients").start(this::read);
		}

		void serve() throws IOException, InterruptedException {
			BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			String command;
			int asked = 0;
			while ((command = commands.readLine()) != null) {
				if (command.startsWith("open ")) {
					int target = Integer.parseInt(command.substring(5));
					for (; asked < target; asked++) {
						SocketChannel channel = SocketChannel.open(this.server);
						channel.write(ByteBuffer.wrap(this.request));
						channel.configureBlocking(false);
						this.connecting.add(channel);
						if (asked % 100 == 0) {
							this.selector.wakeup();
						}
					}
					this.selector.wakeup();
					long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
					while (this.open.get() < target && System.nanoTime() < deadline) {
						Thread.sleep(10);
					}
					this.out.println("opened " + this.open.get());
				}
			}
		}

		/**
		 * Reads every connection on one thread, without HTTP or reactive layers: an event
		 * is found by its {@code id:} line in the bytes (its number after the epoch and
		 * the dash), so the clients cost the machine as little as possible beside the
		 * gateway.
		 */
		private void read() {
			ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
			try {
				while (true) {
					this.selector.select();
					long now = System.nanoTime();
					SocketChannel channel;
					while ((channel = this.connecting.poll()) != null) {
						channel.register(this.selector, SelectionKey.OP_READ, new boolean[] { false });
					}
					for (SelectionKey key : this.selector.selectedKeys()) {
						buffer.clear();
						int read = ((SocketChannel) key.channel()).read(buffer);
						if (read < 0) {
							key.cancel();
							System.err.println("a connection was closed by the gateway");
							continue;
						}
						boolean[] started = (boolean[]) key.attachment();
						if (!started[0]) {
							started[0] = true;
							this.open.incrementAndGet();
						}
						for (int k = 0; k + 3 < read; k++) {
							if (buffer.get(k) == '\n' && buffer.get(k + 1) == 'i' && buffer.get(k + 2) == 'd'
									&& buffer.get(k + 3) == ':') {
								// the id is <epoch>-<number>: the round is the number
								int d = k + 4;
								while (d < read && buffer.get(d) != '-' && buffer.get(d) != '\n') {
									d++;
								}
								long id = 0;
								for (d++; d < read && buffer.get(d) >= '0' && buffer.get(d) <= '9'; d++) {
									id = id * 10 + (buffer.get(d) - '0');
								}
								arrived((int) id, now);
							}
						}
					}
					this.selector.selectedKeys().clear();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private void arrived(int round, long at) {
			int expected = this.open.get();
			long[] times = this.arrivals.computeIfAbsent(round, (r) -> new long[expected]);
			int index = this.claimed.computeIfAbsent(round, (r) -> new AtomicInteger()).getAndIncrement();
			if (index >= times.length) {
				return;
			}
			times[index] = at;
			// the one that completes the round sorts, after every other write happened
			if (this.counts.computeIfAbsent(round, (r) -> new AtomicInteger()).incrementAndGet() == times.length) {
				long[] sorted = times.clone();
				Arrays.sort(sorted);
				this.out.println("round " + round + " " + sorted[sorted.length - 1] + " " + sorted[sorted.length / 2]);
				this.arrivals.remove(round);
			}
		}

	}

}
