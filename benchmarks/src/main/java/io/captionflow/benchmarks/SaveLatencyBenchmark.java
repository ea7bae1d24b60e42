package io.captionflow.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.TestVideos;
import io.captionflow.gateway.GatewayApplication;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Measures saving a caption's extents through the gateway's HTTP API: the optimistic
 * update, the outbox row and the notification in one transaction, with the outbox relay
 * publishing to a real (embedded KRaft) broker meanwhile. 1, 10 and 50 clients, each
 * saving one caption of its own video again and again (closed loop); reports saves per
 * second and the latency percentiles seen by the client and by the server (its
 * {@code Server-Timing} header), on H2 or, with {@code --postgres host:port}, on a fresh
 * PostgreSQL database; with {@code --bootstrap host:port} against that broker rather than
 * one embedded in this JVM.
 * <p>
 * Run with {@code make bench-saves} (H2 and the local PostgreSQL).
 */
public final class SaveLatencyBenchmark {

	private static final int VIDEOS = 50;

	private static final Pattern SERVER_TIMING = Pattern.compile("app;dur=([0-9.]+)");

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final String base;

	private final List<long[]> targets;

	private SaveLatencyBenchmark(String base, List<long[]> targets) {
		this.base = base;
		this.targets = targets;
	}

	public static void main(String[] args) throws Exception {
		String postgres = option(args, "--postgres");
		String bootstrap = option(args, "--bootstrap");
		Path work = Files.createTempDirectory("captionflow-save-bench");
		Path media = work.resolve("media");
		Files.createDirectories(media.resolve("bench"));
		// the gateway probes the media of every manifest it imports: one real video for
		// all
		TestVideos.render(media.resolve("bench/save.mp4"), 1920, 1080, 1000, 25);
		for (int v = 0; v < VIDEOS; v++) {
			List<VideoManifest.PredictedCaption> captions = new ArrayList<>();
			for (int c = 0; c < 20; c++) {
				captions.add(new VideoManifest.PredictedCaption(c * 50, c * 50 + 39, null));
			}
			Files.write(media.resolve("bench/save-" + v + VideoManifest.SUFFIX),
					EventJson.write(new VideoManifest("save-" + v, "Save benchmark " + v, "bench/save.mp4", 25, 1000,
							1920, 1080, new CropBox(0, 920, 1920, 140), "eng", captions)));
		}
		// a broker of its own in this JVM, unless one is named (e.g. make run's, in its
		// own
		// process)
		EmbeddedKafkaKraftBroker broker = null;
		if (bootstrap == null) {
			broker = new EmbeddedKafkaKraftBroker(1, 6, Topics.CAPTION_OCR_REQUESTS.name(), Topics.FLOW_EVENTS.name(),
					Topics.VIDEO_NOTIFICATIONS.name());
			broker.afterPropertiesSet();
			bootstrap = broker.getBrokersAsString();
		}
		List<String> arguments = new ArrayList<>(List.of("--server.port=0",
				"--spring.kafka.bootstrap-servers=" + bootstrap,
				"--captionflow.gateway.data-dir=" + work.resolve("data"), "--captionflow.gateway.media-root=" + media,
				"--spring.main.banner-mode=off", "--logging.level.root=warn",
				// up to 50 clients on one address save as fast as they can: capacity, not
				// the rate limit, is measured
				"--captionflow.gateway.admission.writes.per-second=1000000",
				"--captionflow.gateway.admission.writes.burst=1000000"));
		String database = "H2 file (default)";
		if (postgres != null) {
			String name = "captionflow_bench_" + UUID.randomUUID().toString().replace("-", "");
			try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + postgres + "/postgres",
					"captionflow", "captionflow"); Statement statement = connection.createStatement()) {
				statement.execute("create database " + name);
			}
			arguments.addAll(List.of("--spring.profiles.active=postgres,local",
					"--spring.r2dbc.url=r2dbc:postgresql://" + postgres + "/" + name,
					"--spring.flyway.url=jdbc:postgresql://" + postgres + "/" + name));
			database = "PostgreSQL at " + postgres + " (postgres and local profiles)";
		}
		try (ConfigurableApplicationContext gateway = GatewayApplication.create()
			.run(arguments.toArray(String[]::new))) {
			List<long[]> targets = new ArrayList<>();
			gateway.getBean(DatabaseClient.class)
				.sql("select video_id, min(id) as id from captions group by video_id order by video_id")
				.map((row) -> new long[] { Long.parseLong(row.get("video_id", String.class).substring(5)),
						row.get("id", Long.class) })
				.all()
				.doOnNext(targets::add)
				.blockLast(Duration.ofSeconds(30));
			String base = "http://localhost:" + gateway.getEnvironment().getProperty("local.server.port");
			System.out.printf("Machine: %d cores, Java %s; database: %s; broker: %s%n",
					Runtime.getRuntime().availableProcessors(), Runtime.version(), database,
					(broker != null) ? "embedded KRaft in this JVM" : bootstrap);
			SaveLatencyBenchmark benchmark = new SaveLatencyBenchmark(base, targets);
			benchmark.run(50, 40, 0, false);
			System.out.println("Closed loop (each client saves again as soon as it has its answer: capacity):");
			for (int clients : new int[] { 1, 10, 50 }) {
				benchmark.run(clients, Math.max(100, 4000 / clients), 0, true);
			}
			System.out.println("Open loop (each client saves at a fixed pace, latency counted from the planned"
					+ " start, so a late request counts its wait):");
			for (int[] load : new int[][] { { 50, 1000 }, { 50, 200 }, { 50, 100 } }) {
				System.out.printf("  every %d ms: ", load[1]);
				benchmark.run(load[0], 20_000 / load[1], load[1], true);
			}
		}
		finally {
			if (broker != null) {
				broker.destroy();
			}
		}
		System.exit(0);
	}

	private static @Nullable String option(String[] args, String name) {
		for (int i = 0; i + 1 < args.length; i++) {
			if (name.equals(args[i])) {
				return args[i + 1];
			}
		}
		return null;
	}

	/**
	 * Runs the clients.
	 * @param clients concurrent clients
	 * @param savesPerClient saves each makes
	 * @param paceMillis 0 for a closed loop, else the planned time between two saves of a
	 * client (an open loop)
	 * @param report whether to print the figures (not for the warm-up)
	 */
	private void run(int clients, int savesPerClient, int paceMillis, boolean report) throws Exception {
		long[] clientNanos = new long[clients * savesPerClient];
		double[] serverMillis = new double[clients * savesPerClient];
		long start = System.nanoTime();
		try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
			List<Future<?>> futures = new ArrayList<>();
			for (int c = 0; c < clients; c++) {
				int client = c;
				futures.add(pool.submit(() -> {
					long[] target = this.targets.get(client % this.targets.size());
					// open loop: the clients start spread over one pace
					long planned = System.nanoTime() + (long) paceMillis * 1_000_000 * client / clients;
					for (int i = 0; i < savesPerClient; i++) {
						if (paceMillis > 0) {
							long wait = planned - System.nanoTime();
							if (wait > 0) {
								// load generation: the client's think time, not a wait
								// for a result
								Thread.sleep(Duration.ofNanos(wait));
							}
						}
						int index = client * savesPerClient + i;
						int end = 30 + (i % 10);
						String body = "{\"startFrameIndex\":0,\"endFrameIndex\":" + end + ",\"state\":\"confirmed\"}";
						HttpRequest request = HttpRequest
							.newBuilder(URI.create(this.base + "/api/videos/save-" + target[0] + "/captions/"
									+ target[1] + "/extents"))
							.header("Content-Type", "application/json")
							.PUT(HttpRequest.BodyPublishers.ofString(body))
							.build();
						long t0 = (paceMillis > 0) ? planned : System.nanoTime();
						HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
						clientNanos[index] = System.nanoTime() - t0;
						planned += (long) paceMillis * 1_000_000;
						if (response.statusCode() != 200) {
							throw new IllegalStateException(
									"save answered " + response.statusCode() + ": " + response.body());
						}
						Matcher timing = SERVER_TIMING
							.matcher(response.headers().firstValue("Server-Timing").orElse(""));
						serverMillis[index] = timing.find() ? Double.parseDouble(timing.group(1)) : Double.NaN;
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		if (!report) {
			return;
		}
		double[] clientMillis = Arrays.stream(clientNanos).mapToDouble((nanos) -> nanos / 1e6).sorted().toArray();
		Arrays.sort(serverMillis);
		System.out.printf(
				"%2d clients: %5d saves in %5.1f s = %6.0f saves/s | client p50 %6.2f p95 %6.2f p99 %6.2f ms"
						+ " | server p50 %6.2f p95 %6.2f p99 %6.2f ms%n",
				clients, clientMillis.length, seconds, clientMillis.length / seconds, percentile(clientMillis, 50),
				percentile(clientMillis, 95), percentile(clientMillis, 99), percentile(serverMillis, 50),
				percentile(serverMillis, 95), percentile(serverMillis, 99));
	}

	private static double percentile(double[] sorted, int percent) {
		int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
		return sorted[Math.max(0, rank - 1)];
	}

}
