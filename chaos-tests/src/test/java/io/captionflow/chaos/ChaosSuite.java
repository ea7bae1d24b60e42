package io.captionflow.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.captionflow.chaos.CaptionFlowSystem.Gateway;
import io.captionflow.chaos.GatewayApi.CaptionState;
import io.captionflow.chaos.GatewayApi.LogEntry;
import io.captionflow.chaos.SaveLoad.Answered;
import io.captionflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * Runs faults against one system under load, one at a time, and checks after each, once
 * the system is whole again and quiet: every save answered 200 ends {@code completed} or
 * {@code error} at its revision or a later one (none lost, none stuck); no caption's
 * result is applied twice for one request (two terminal notifications after one
 * {@code queued}); every SSE client received, within one epoch, every notification number
 * of the phase exactly once, replays included, from the phase's start or from the
 * explicit {@code reset} that moved it to its epoch and number, and no id it holds names
 * another notification in the log; the outbox is empty.
 */
final class ChaosSuite implements AutoCloseable {

	/** Saves go on through the fault and this long before and after it. */
	private static final Duration LOAD_AROUND_FAULT = Duration.ofSeconds(6);

	/** How long the clients may take to catch up once the log is quiet. */
	private static final Duration CATCH_UP = Duration.ofSeconds(60);

	/**
	 * One line of the table.
	 *
	 * @param fault what was done
	 * @param database the gateway's database
	 * @param operations saves answered 200
	 * @param lost saves answered 200 the database no longer holds
	 * @param duplicated results applied twice for one request
	 * @param stuck saves still queued or processing past the settle bound
	 * @param sseLost notification ids a client missed without a reset, or holds for
	 * another notification
	 * @param sseDuplicated notification ids a client received more than once
	 * @param outbox rows left in the outbox
	 * @param maxRecovery the longest an answered save waited for its result
	 * @param effect whether the fault was seen to do what it is for (the stalled client
	 * cut off, median images refused by the full disk); {@code null} where the fault
	 * itself is the evidence (a process killed, a server stopped)
	 * @param notes what else was seen
	 */
	record Row(String fault, String database, int operations, int lost, int duplicated, int stuck, long sseLost,
			long sseDuplicated, long outbox, Duration maxRecovery, @Nullable Boolean effect, String notes) {

		boolean clean() {
			if (this.notes.startsWith("not run")) {
				return true;
			}
			return this.operations > 0 && this.lost == 0 && this.duplicated == 0 && this.stuck == 0 && this.sseLost == 0
					&& this.sseDuplicated == 0 && this.outbox == 0 && !Boolean.FALSE.equals(this.effect);
		}

	}

	private final CaptionFlowSystem system;

	private final GatewayApi api;

	private final int clientCount;

	private final double savesPerSecond;

	private final List<SseClient> clients = new ArrayList<>();

	private final Map<EventIds.Id, String> seen = new ConcurrentHashMap<>();

	private final Set<EventIds.Id> conflicting = ConcurrentHashMap.newKeySet();

	private List<CaptionState> catalog;

	ChaosSuite(CaptionFlowSystem system, int clients, double savesPerSecond) {
		this.system = system;
		this.api = new GatewayApi(system.http());
		this.clientCount = clients;
		this.savesPerSecond = savesPerSecond;
	}

	void open() throws Exception {
		int port = this.system.gateways().get(0).port();
		List<CaptionState> captions = new ArrayList<>();
		for (String video : this.system.videoIds()) {
			captions.addAll(this.api.captions(port, video));
		}
		this.catalog = captions;
		for (int i = 0; i < this.clientCount; i++) {
			int home = i;
			SseClient client = new SseClient(i, () -> port(home), this::received);
			this.clients.add(client);
			Thread.ofVirtual().name("sse-" + i).start(client);
		}
	}

	Row run(Fault fault) throws Exception {
		String database = this.system.topology().database().name().toLowerCase(java.util.Locale.ROOT)
				+ ((this.system.kafka().size() > 1) ? ", 3 brokers" : "");
		if (fault == Fault.MEDIA_DISK_FULL && !this.system.mediaOnTmpfs()) {
			return new Row(fault.description(), database, 0, 0, 0, 0, 0, 0, 0, Duration.ZERO, null,
					"not run: no tmpfs could be mounted on the media root (needs root)");
		}
		Settings.await("every SSE client connected", Duration.ofMinutes(2),
				() -> this.clients.stream().allMatch(SseClient::connected));
		int livePort = this.system.liveGateways().get(0).port();
		EventIds.Id logStart = this.api.newestNotification(livePort);
		Map<SseClient, Integer> phaseStart = new HashMap<>();
		this.clients.forEach((client) -> phaseStart.put(client, client.ids().size()));
		List<String> notes = new ArrayList<>();
		Effect effect = new Effect();
		SaveLoad load = new SaveLoad(this.system, this.api, this.catalog, this.savesPerSecond);
		CaptionPoller poller = new CaptionPoller();
		ScheduledExecutorService polling = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("caption-poller").factory());
		polling.scheduleAtFixedRate(() -> poller.round(load), 0, 1, TimeUnit.SECONDS);
		try {
			load.start();
			Settings.hold(LOAD_AROUND_FAULT);
			inject(fault, load, notes, effect);
			Settings.hold(LOAD_AROUND_FAULT);
		}
		finally {
			load.stop();
		}
		List<Answered> answered = load.answered();
		long settleBy = System.nanoTime() + CaptionFlowSystem.SETTLE.toNanos();
		while (System.nanoTime() < settleBy && !poller.settledAll(answered)) {
			poller.awaitRound();
		}
		polling.shutdownNow();
		polling.awaitTermination(30, TimeUnit.SECONDS);

		int lost = 0;
		int stuck = 0;
		Duration maxRecovery = Duration.ZERO;
		for (Answered save : answered) {
			CaptionState now = poller.latest(save.captionId());
			Long settledAt = poller.settledAt(save);
			if (now != null && now.revision() < save.revision()) {
				lost++;
			}
			else if (settledAt == null) {
				stuck++;
			}
			else {
				Duration waited = Duration.ofNanos(settledAt - save.atNanos());
				maxRecovery = (waited.compareTo(maxRecovery) > 0) ? waited : maxRecovery;
			}
		}
		if (stuck > 0) {
			notes.add(stuck + " saves unsettled " + CaptionFlowSystem.SETTLE.toSeconds() + " s after the load");
		}
		notes.add(load.unanswered() + " of " + load.sent() + " saves not answered 200");

		// the log is quiet: the notifications of the settled saves are in it
		int port = this.system.liveGateways().get(0).port();
		GatewayApi.Log log = this.api.notifications(port, 0);
		long epoch = log.epoch();
		if (epoch != logStart.epoch()) {
			notes.add("the log's epoch changed from " + logStart.epoch() + " to " + epoch);
		}
		long after = (epoch == logStart.epoch()) ? logStart.number() : 0;
		int duplicated = duplicatedResults(log.entries(), after);
		long logEnd = log.entries().isEmpty() ? 0 : log.entries().get(log.entries().size() - 1).id();
		Map<Long, LogEntry> byId = new HashMap<>();
		log.entries().forEach((entry) -> byId.put(entry.id(), entry));
		try {
			Settings.await("every SSE client at notification " + epoch + "-" + logEnd, CATCH_UP,
					() -> this.clients.stream().allMatch((client) -> client.ids().reached(epoch, logEnd)));
		}
		catch (RuntimeException ex) {
			long behind = this.clients.stream().filter((client) -> !client.ids().reached(epoch, logEnd)).count();
			notes.add(behind + " SSE clients not caught up " + CATCH_UP.toSeconds() + " s after the log went quiet");
		}
		SseTally tally = tally(logStart, epoch, logEnd, byId, phaseStart);
		if (tally.resets > 0) {
			notes.add(tally.resets + " clients got reset");
		}
		if (!this.conflicting.isEmpty()) {
			notes.add(this.conflicting.size() + " notification ids seen for two different notifications");
		}
		if (fault == Fault.MEDIA_DISK_FULL) {
			long refused = log.entries()
				.stream()
				.filter((entry) -> entry.id() > after && "error".equals(entry.status())
						&& entry.error().contains("cannot write the median image"))
				.count();
			notes.add(refused + " captions ended in error: the median image could not be written");
			effect.seen = refused > 0;
		}
		long outbox = this.system.outboxRows();
		return new Row(fault.description(), database, answered.size(), lost, duplicated, stuck, tally.lost,
				tally.duplicated, outbox, maxRecovery, effect.seen, String.join("; ", notes));
	}

	@Override
	public void close() {
		this.clients.forEach(SseClient::close);
	}

	private void inject(Fault fault, SaveLoad load, List<String> notes, Effect effect) throws Exception {
		switch (fault) {
			case WORKER_KILL -> killWorkers(List.of(this.system.workers().get(0)), notes);
			case ALL_WORKERS_KILL -> killWorkers(this.system.workers(), notes);
			case GATEWAY_KILL -> {
				Gateway gateway = this.system.gateways().get(0);
				// the instant a save is answered: a commit not yet durable is lost with
				// the process
				CaptionState caption = this.catalog.get(0);
				long revision = -1;
				for (int attempt = 0; attempt < 10 && revision < 0; attempt++) {
					revision = this.api.save(gateway.port(), caption);
				}
				this.system.kill(gateway);
				if (revision >= 0) {
					load.record(new Answered(caption.videoId(), caption.id(), revision, System.nanoTime()));
					notes.add("killed at once after caption " + caption.id() + " was answered revision " + revision);
				}
				gateway.process().start();
				this.system.awaitReady(gateway);
			}
			case GATEWAY_RESTART -> {
				Gateway gateway = this.system.gateways().get(0);
				this.system.stop(gateway);
				gateway.process().start();
				this.system.awaitReady(gateway);
			}
			case BROKER_KILL -> {
				this.system.kafka().node(0).kill();
				Settings.hold(Duration.ofSeconds(10));
				this.system.kafka().start(0);
			}
			case BROKER_STOP -> {
				this.system.kafka().node(0).stop();
				Settings.hold(Duration.ofSeconds(30));
				this.system.kafka().start(0);
			}
			case ONE_BROKER_OF_THREE_KILL -> {
				this.system.kafka().node(1).kill();
				Settings.hold(Duration.ofSeconds(30));
				this.system.kafka().start(1);
			}
			case POSTGRES_STOP -> {
				this.system.postgres().stop();
				Settings.hold(Duration.ofSeconds(30));
				this.system.postgres().start();
			}
			case SSE_CLIENT_STALL -> {
				SseClient stalled = this.clients.get(0);
				int connectsBefore = stalled.connects();
				stalled.stall(true);
				// more than the stalled client's connection holds while it reads none:
				// its buffer in the hub (1,000 events), what Reactor Netty and Netty hold
				// (128 events, 64 KB), its socket's send buffer (2 × 64 KB) and receive
				// buffer (2 × 16 KB); about 1,250 events of 2.2 KB
				long started = System.nanoTime();
				int posted = this.api.webhooks(this.system.liveGateways().get(0).port(), "chaos-0", 1800, 2000);
				Settings.hold(Duration.ofSeconds(30).minusNanos(System.nanoTime() - started));
				stalled.stall(false);
				notes.add(posted + " webhooks of 2 KB posted during the stall");
				try {
					// it reads what its socket held, then the end of the stream the
					// server
					// closed, and connects again
					Settings.await("the stalled client cut off and connected again", Duration.ofSeconds(30),
							() -> stalled.connects() > connectsBefore);
					effect.seen = true;
					notes.add("the stalled client was cut off");
				}
				catch (RuntimeException ex) {
					effect.seen = false;
					notes.add("the stalled client was not cut off");
				}
			}
			case FLOW_EVENTS_REDELIVERED -> notes.add(republishFlowEvents() + " flow events published again");
			case MEDIA_DISK_FULL -> {
				Path filler = this.system.media().resolve("filler");
				fill(filler);
				Settings.hold(Duration.ofSeconds(30));
				Files.deleteIfExists(filler);
			}
		}
	}

	private void killWorkers(List<LaunchedProcess> workers, List<String> notes) throws Exception {
		Map<LaunchedProcess, Integer> starts = new HashMap<>();
		List<ProcessHandle> children = new ArrayList<>();
		for (LaunchedProcess worker : workers) {
			starts.put(worker, CaptionFlowSystem.starts(worker));
			children.addAll(worker.kill());
		}
		// the children end with their worker: waited for, at most 5 s
		try {
			CompletableFuture.allOf(children.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
				.get(5, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			// reported below, by name of what is still alive
		}
		List<ProcessHandle> orphans = children.stream().filter(ProcessHandle::isAlive).toList();
		if (!orphans.isEmpty()) {
			notes.add(orphans.size() + " decoder/OCR children outlived their killed worker by 5 s");
			orphans.forEach(ProcessHandle::destroyForcibly);
		}
		for (LaunchedProcess worker : workers) {
			worker.start();
		}
		for (LaunchedProcess worker : workers) {
			this.system.awaitWorker(worker, starts.get(worker));
		}
	}

	/**
	 * Reads every flow event on the topic and publishes it again, in a shuffled order.
	 */
	private int republishFlowEvents() {
		String bootstrap = this.system.kafka().bootstrapServers();
		List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
						ByteArrayDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
						ByteArrayDeserializer.class, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
			List<TopicPartition> partitions = consumer.partitionsFor(Topics.FLOW_EVENTS_NAME)
				.stream()
				.map((info) -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (System.nanoTime() < deadline
					&& partitions.stream().anyMatch((partition) -> consumer.position(partition) < end.get(partition))) {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
						records.add(new ProducerRecord<>(record.topic(), null, record.key(), record.value(),
								record.headers()));
					}
				}
			}
		}
		Collections.shuffle(records);
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
						ByteArraySerializer.class, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
						ByteArraySerializer.class, ProducerConfig.ACKS_CONFIG, "all"))) {
			records.forEach(producer::send);
			producer.flush();
		}
		return records.size();
	}

	private static void fill(Path filler) throws IOException {
		byte[] block = new byte[1 << 20];
		try (OutputStream out = Files.newOutputStream(filler)) {
			while (true) {
				out.write(block);
			}
		}
		catch (IOException ex) {
			// no space left on the device: that is the fault
			if (!Files.exists(filler)) {
				throw ex;
			}
		}
	}

	/**
	 * Results applied twice: a caption's OCR notifications in log order hold, after one
	 * {@code queued}, at most one {@code complete} or {@code error}.
	 */
	private static int duplicatedResults(List<LogEntry> log, long after) {
		Map<Long, Integer> sinceQueued = new HashMap<>();
		int duplicated = 0;
		for (LogEntry entry : log) {
			if (entry.captionId() == null || !"caption-ocr".equals(entry.flowName())) {
				continue;
			}
			switch (entry.status()) {
				case "queued" -> sinceQueued.put(entry.captionId(), 0);
				case "complete", "error" -> {
					int count = sinceQueued.merge(entry.captionId(), 1, Integer::sum);
					if (count > 1 && entry.id() > after) {
						duplicated++;
					}
				}
				default -> {
				}
			}
		}
		return duplicated;
	}

	private record SseTally(long lost, long duplicated, int resets) {
	}

	/** Whether the fault was seen to do what it is for, where that needs evidence. */
	private static final class Effect {

		private @Nullable Boolean seen;

	}

	/**
	 * What the clients missed or got twice in the phase. Within one epoch every number
	 * counts once; a client's numbers of the log's epoch are due from the phase's start
	 * (when the epoch is the same) or from the number of the last {@code reset} that
	 * moved it into the log's epoch, up to the log's end; numbers it holds of the log's
	 * epoch that the log does not, or that name another notification, are lost.
	 * @param start the log's epoch and newest number when the phase began
	 * @param epoch the log's epoch once quiet
	 * @param upTo the log's newest number once quiet
	 * @param log the log once quiet, by number
	 * @param phaseStart each client's event count when the phase began
	 */
	private SseTally tally(EventIds.Id start, long epoch, long upTo, Map<Long, LogEntry> log,
			Map<SseClient, Integer> phaseStart) {
		long floor = (epoch == start.epoch()) ? start.number() : 0;
		long lost = 0;
		long duplicated = 0;
		int resets = 0;
		for (SseClient client : this.clients) {
			List<EventIds.Received> events = client.ids().since(phaseStart.getOrDefault(client, 0));
			// the number after which the client is due every notification of the log's
			// epoch
			long due = floor;
			boolean reset = false;
			Map<EventIds.Id, Integer> received = new HashMap<>();
			for (EventIds.Received event : events) {
				EventIds.Id id = event.id();
				if (event.reset()) {
					reset = true;
					if (id.epoch() == epoch) {
						due = id.number();
					}
					continue;
				}
				boolean inPhase = (id.epoch() != start.epoch()) || id.number() > start.number();
				boolean inLog = id.epoch() != epoch || id.number() <= upTo;
				if (inPhase && inLog) {
					received.merge(id, 1, Integer::sum);
				}
			}
			resets += reset ? 1 : 0;
			for (Map.Entry<EventIds.Id, Integer> entry : received.entrySet()) {
				duplicated += entry.getValue() - 1;
				if (entry.getKey().epoch() == epoch && !log.containsKey(entry.getKey().number())) {
					// the client holds a number of this epoch the log does not: a
					// notification the database lost
					lost++;
				}
			}
			for (long number : log.keySet()) {
				if (number > due && number <= upTo && !received.containsKey(new EventIds.Id(epoch, number))) {
					lost++;
				}
			}
		}
		for (Map.Entry<Long, LogEntry> entry : log.entrySet()) {
			if (entry.getKey() <= floor || entry.getKey() > upTo) {
				continue;
			}
			String fingerprint = this.seen.get(new EventIds.Id(epoch, entry.getKey()));
			if (fingerprint != null && !fingerprint.equals(entry.getValue().fingerprint())) {
				// an id the clients saw for one notification names another in the log
				lost++;
			}
		}
		return new SseTally(lost, duplicated, resets);
	}

	private void received(SseClient client, EventIds.Id id, String fingerprint) {
		String before = this.seen.putIfAbsent(id, fingerprint);
		if (before != null && !before.equals(fingerprint)) {
			this.conflicting.add(id);
		}
	}

	/** Client {@code i}'s gateway: its own while it is up, else any live one. */
	private int port(int client) {
		List<Gateway> gateways = this.system.gateways();
		Gateway home = gateways.get(client % gateways.size());
		List<Gateway> live = this.system.liveGateways();
		if (live.contains(home)) {
			return home.port();
		}
		return live.isEmpty() ? -1 : live.get(client % live.size()).port();
	}

	/**
	 * Reads every caption once a round (from any live gateway) and notes when each
	 * answered save was first seen settled, at its revision or a later one.
	 */
	private final class CaptionPoller {

		private final Map<Long, CaptionState> latest = new ConcurrentHashMap<>();

		private final Map<Answered, Long> settled = new ConcurrentHashMap<>();

		private final Object rounds = new Object();

		/** One round, run once a second. */
		void round(SaveLoad load) {
			try {
				List<Gateway> live = ChaosSuite.this.system.liveGateways();
				if (!live.isEmpty()) {
					int port = live.get(0).port();
					for (String video : ChaosSuite.this.system.videoIds()) {
						for (CaptionState caption : ChaosSuite.this.api.captions(port, video)) {
							this.latest.put(caption.id(), caption);
						}
					}
					long now = System.nanoTime();
					for (Answered save : load.answered()) {
						CaptionState state = this.latest.get(save.captionId());
						if (state != null && state.settled() && state.revision() >= save.revision()) {
							this.settled.putIfAbsent(save, now);
						}
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				// a gateway or the database is down: the next round reads again
			}
			catch (InterruptedException ex) {
				// the poller is stopping
				Thread.currentThread().interrupt();
				return;
			}
			synchronized (this.rounds) {
				this.rounds.notifyAll();
			}
		}

		void awaitRound() throws InterruptedException {
			synchronized (this.rounds) {
				this.rounds.wait(5000);
			}
		}

		boolean settledAll(List<Answered> answered) {
			return answered.stream().allMatch(this.settled::containsKey);
		}

		CaptionState latest(long captionId) {
			return this.latest.get(captionId);
		}

		Long settledAt(Answered save) {
			return this.settled.get(save);
		}

	}

}
