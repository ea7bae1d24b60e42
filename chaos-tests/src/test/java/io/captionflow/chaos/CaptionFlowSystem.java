package io.captionflow.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.captionflow.events.EventJson;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;

/**
 * One CaptionFlow installation on loopback, every part its own process: the brokers, the
 * database (its own PostgreSQL cluster, or the gateway's H2 file), the gateways and the
 * workers, from the exec jars the build packaged; the videos the load annotates, rendered
 * once and registered from their manifests; each process's log under {@code folder}.
 */
final class CaptionFlowSystem implements AutoCloseable {

	static final int CAPTIONS_PER_BURNED_IN = 5;

	/**
	 * The gateway's settings for the harness; everything else is the packaged default.
	 */
	static final List<String> GATEWAY_SETTINGS = List.of(
			// one address opens every stream and sends every save: lift the abuse limits
			"--captionflow.gateway.admission.streams.max-total=5000",
			"--captionflow.gateway.admission.streams.max-per-address=5000",
			"--captionflow.gateway.admission.writes.per-second=1000000",
			"--captionflow.gateway.admission.writes.burst=1000000",
			"--captionflow.gateway.admission.webhooks.per-second=1000000",
			"--captionflow.gateway.admission.webhooks.burst=1000000",
			// a lost request is found within seconds, not minutes, so the suite can wait
			// for it
			"--captionflow.gateway.sweep.interval=5s", "--captionflow.gateway.sweep.stuck-after=45s",
			"--captionflow.gateway.sweep.max-attempts=3", "--captionflow.gateway.outbox.max-backoff=2s",
			"--management.endpoint.health.show-details=always");

	/**
	 * How long a caption may take to settle once the load stopped: past the sweep's bound
	 * (three requests, each 45 s without news).
	 */
	static final Duration SETTLE = Duration.ofSeconds(180);

	enum Database {

		H2, POSTGRESQL

	}

	record Topology(Database database, int brokers, int gateways, int workers, boolean mediaOnTmpfs) {
	}

	record Gateway(LaunchedProcess process, int port, Path dataDir) {

		URI uri(String path) {
			return URI.create("http://127.0.0.1:" + this.port + path);
		}

	}

	private final Topology topology;

	private final Path folder;

	private final Path media;

	private final KafkaCluster kafka;

	private final PostgresCluster postgres;

	private final List<Gateway> gateways = new ArrayList<>();

	private final List<LaunchedProcess> workers = new ArrayList<>();

	private final List<String> videoIds = new ArrayList<>();

	/** The gateways that answered their health check since they last started. */
	private final Set<Gateway> ready = ConcurrentHashMap.newKeySet();

	private final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	private boolean mounted;

	private final Thread unmount = new Thread(this::unmount, "tmpfs-cleanup");

	CaptionFlowSystem(Path folder, Topology topology, int videos) throws Exception {
		this.topology = topology;
		this.folder = folder;
		this.media = folder.resolve("media");
		Files.createDirectories(this.media);
		if (topology.mediaOnTmpfs()) {
			this.mounted = mountTmpfs(this.media, "96m");
			if (this.mounted) {
				Runtime.getRuntime().addShutdownHook(this.unmount);
			}
		}
		renderVideos(videos);
		this.kafka = new KafkaCluster(folder.resolve("kafka"), topology.brokers());
		this.postgres = (topology.database() == Database.POSTGRESQL) ? new PostgresCluster(folder.resolve("postgres"))
				: null;
		for (int i = 0; i < topology.gateways(); i++) {
			this.gateways.add(gateway(i + 1));
		}
		for (int i = 0; i < topology.workers(); i++) {
			this.workers.add(worker(i + 1));
		}
	}

	void start() throws Exception {
		this.kafka.start();
		for (Gateway gateway : this.gateways) {
			gateway.process().start();
		}
		for (LaunchedProcess worker : this.workers) {
			worker.start();
		}
		for (Gateway gateway : this.gateways) {
			awaitReady(gateway);
		}
		for (LaunchedProcess worker : this.workers) {
			awaitWorker(worker, 0);
		}
		// the gateways register the videos from their manifests once they are up
		Gateway first = this.gateways.get(0);
		for (String video : this.videoIds) {
			Settings.await("video " + video + " registered", Duration.ofMinutes(3),
					() -> this.http
						.send(HttpRequest.newBuilder(first.uri("/api/videos/" + video)).build(),
								HttpResponse.BodyHandlers.discarding())
						.statusCode() == 200);
		}
	}

	Topology topology() {
		return this.topology;
	}

	KafkaCluster kafka() {
		return this.kafka;
	}

	PostgresCluster postgres() {
		return this.postgres;
	}

	List<Gateway> gateways() {
		return this.gateways;
	}

	List<LaunchedProcess> workers() {
		return this.workers;
	}

	List<String> videoIds() {
		return this.videoIds;
	}

	Path media() {
		return this.media;
	}

	boolean mediaOnTmpfs() {
		return this.mounted;
	}

	HttpClient http() {
		return this.http;
	}

	/** The gateways that are up and answered their health check since they started. */
	List<Gateway> liveGateways() {
		return this.gateways.stream()
			.filter((gateway) -> this.ready.contains(gateway) && gateway.process().isAlive())
			.toList();
	}

	/** Kills a gateway ({@code kill -9}); it is no longer offered to clients. */
	void kill(Gateway gateway) throws InterruptedException {
		this.ready.remove(gateway);
		gateway.process().kill();
	}

	/** Stops a gateway ({@code SIGTERM}); it is no longer offered to clients. */
	void stop(Gateway gateway) throws InterruptedException {
		this.ready.remove(gateway);
		gateway.process().stop();
	}

	void awaitReady(Gateway gateway) {
		Settings.await(gateway.process().name() + " ready (see " + gateway.process().log() + ")", Duration.ofMinutes(3),
				() -> {
					if (!gateway.process().isAlive()) {
						throw new Settings.ProcessExited(gateway.process());
					}
					HttpResponse<String> health = this.http.send(HttpRequest.newBuilder(gateway.uri("/actuator/health"))
						.timeout(Duration.ofSeconds(5))
						.build(), HttpResponse.BodyHandlers.ofString());
					return health.statusCode() == 200;
				});
		this.ready.add(gateway);
	}

	/**
	 * Waits until the worker's log says it started more times than it did before.
	 */
	void awaitWorker(LaunchedProcess worker, int startsBefore) {
		Settings.await(worker.name() + " started (see " + worker.log() + ")", Duration.ofMinutes(3), () -> {
			if (!worker.isAlive()) {
				throw new Settings.ProcessExited(worker);
			}
			return starts(worker) > startsBefore;
		});
	}

	static int starts(LaunchedProcess process) throws IOException {
		if (!Files.exists(process.log())) {
			return 0;
		}
		try (var lines = Files.lines(process.log())) {
			return (int) lines.filter((line) -> line.contains("Started OcrWorkerApplication")).count();
		}
	}

	/**
	 * The rows in the outbox. On H2 the database is the gateway's own file, which only it
	 * may open: it is read between a clean stop and a start of the gateway.
	 */
	long outboxRows() throws Exception {
		if (this.postgres != null) {
			return this.postgres.count("select count(*) from outbox");
		}
		Gateway gateway = this.gateways.get(0);
		stop(gateway);
		try (Connection connection = DriverManager.getConnection(
				"jdbc:h2:file:" + gateway.dataDir().resolve("gateway") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
				"sa", "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select count(*) from outbox")) {
			rows.next();
			long count = rows.getLong(1);
			// closes the file at once, before the gateway opens it again
			statement.execute("shutdown");
			return count;
		}
		finally {
			gateway.process().start();
			awaitReady(gateway);
		}
	}

	@Override
	public void close() throws Exception {
		List<Exception> failures = new ArrayList<>();
		for (LaunchedProcess worker : this.workers) {
			quietly(failures, worker::stop);
		}
		for (Gateway gateway : this.gateways) {
			quietly(failures, gateway.process()::stop);
		}
		quietly(failures, this.kafka::close);
		if (this.postgres != null) {
			quietly(failures, this.postgres::close);
		}
		if (this.mounted) {
			quietly(failures, () -> run("umount", "-l", this.media.toString()));
			quietly(failures, () -> Runtime.getRuntime().removeShutdownHook(this.unmount));
		}
		if (!failures.isEmpty()) {
			Exception first = failures.get(0);
			failures.stream().skip(1).forEach(first::addSuppressed);
			throw first;
		}
	}

	private Gateway gateway(int n) throws IOException {
		int port = Settings.freePort();
		Path dataDir = this.folder.resolve("gateway-" + n);
		Files.createDirectories(dataDir);
		Map<String, String> env = new HashMap<>();
		env.put("PORT", Integer.toString(port));
		env.put("CAPTIONFLOW_DATA_DIR", dataDir.toString());
		env.put("CAPTIONFLOW_MEDIA_ROOT", this.media.toString());
		env.put("KAFKA_BOOTSTRAP_SERVERS", this.kafka.bootstrapServers());
		if (this.postgres != null) {
			env.put("SPRING_PROFILES_ACTIVE", "postgres");
			env.put("CAPTIONFLOW_R2DBC_URL", this.postgres.r2dbcUrl());
			env.put("CAPTIONFLOW_JDBC_URL", this.postgres.jdbcUrl());
			env.put("CAPTIONFLOW_DB_USER", PostgresCluster.USER);
			// the cluster trusts loopback; the gateway refuses to start without one
			env.put("CAPTIONFLOW_DB_PASSWORD", "chaos");
		}
		List<String> command = new ArrayList<>(List.of(Settings.java(), Settings.runTag(this.folder), "-Xms128m",
				"-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", Settings.gatewayJar().toString()));
		command.addAll(GATEWAY_SETTINGS);
		return new Gateway(
				new LaunchedProcess("gateway-" + n, command, env, this.folder.resolve("gateway-" + n + ".log")), port,
				dataDir);
	}

	private LaunchedProcess worker(int n) {
		Map<String, String> env = Map.of("CAPTIONFLOW_MEDIA_ROOT", this.media.toString(), "KAFKA_BOOTSTRAP_SERVERS",
				this.kafka.bootstrapServers(), "OMP_THREAD_LIMIT", "1", "MANAGEMENT_PORT",
				Integer.toString(Settings.freePort()));
		return new LaunchedProcess("worker-" + n,
				List.of(Settings.java(), Settings.runTag(this.folder), "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
						"-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED", "-jar",
						Settings.workerJar().toString()),
				env, this.folder.resolve("worker-" + n + ".log"));
	}

	/**
	 * One short clip with two burned-in captions, copied once per video, each with its
	 * own manifest of {@code 2 × CAPTIONS_PER_BURNED_IN} captions of four frames inside
	 * the burned-in ones.
	 */
	private void renderVideos(int videos) throws IOException {
		Path render = this.folder.resolve("render");
		VideoManifest clip = new DemoVideo(DemoVideo.Spec.shortClip()).render(render, "clip", "clip.mp4");
		for (int v = 0; v < videos; v++) {
			String id = "chaos-" + v;
			String location = id + "/clip.mp4";
			Files.createDirectories(this.media.resolve(id));
			Files.copy(render.resolve("clip.mp4"), this.media.resolve(location), StandardCopyOption.REPLACE_EXISTING);
			List<VideoManifest.PredictedCaption> captions = new ArrayList<>();
			for (VideoManifest.PredictedCaption burnedIn : clip.captions()) {
				for (int k = 0; k < CAPTIONS_PER_BURNED_IN; k++) {
					int start = burnedIn.startFrameIndex() + 8 * k;
					captions.add(new VideoManifest.PredictedCaption(start, start + 3, null));
				}
			}
			VideoManifest manifest = new VideoManifest(id, "Chaos " + v, location, clip.fps(), clip.frameCount(),
					clip.width(), clip.height(), clip.crop(), "eng", captions);
			Files.write(this.media.resolve(id + "/clip" + VideoManifest.SUFFIX), EventJson.write(manifest));
			this.videoIds.add(id);
		}
	}

	private void unmount() {
		try {
			run("umount", "-l", this.media.toString());
		}
		catch (IOException ex) {
			// the JVM is exiting: the next run's Leftovers clears it
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static boolean mountTmpfs(Path folder, String size) {
		try {
			run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "captionflow-chaos", folder.toString());
			return true;
		}
		catch (Exception ex) {
			return false;
		}
	}

	private static void run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
			throw new IOException(String.join(" ", command) + " failed: " + output);
		}
	}

	private interface Step {

		void run() throws Exception;

	}

	private static void quietly(List<Exception> failures, Step step) {
		try {
			step.run();
		}
		catch (Exception ex) {
			failures.add(ex);
		}
	}

}
