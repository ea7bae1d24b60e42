package io.captionflow.chaos;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.captionflow.chaos.GatewayApi.CaptionState;

/**
 * A steady load of saves: at a fixed pace, a random caption of a random video is saved
 * through a random live gateway, each save on a virtual thread of its own (at most
 * {@code MAX_IN_FLIGHT} at once; a tick with none free is skipped). Every save answered
 * 200 is recorded with the revision the answer gave.
 */
final class SaveLoad implements AutoCloseable {

	private static final int MAX_IN_FLIGHT = 32;

	record Answered(String videoId, long captionId, long revision, long atNanos) {
	}

	private final CaptionFlowSystem system;

	private final GatewayApi api;

	private final List<CaptionState> catalog;

	private final double perSecond;

	private final Queue<Answered> answered = new ConcurrentLinkedQueue<>();

	private final AtomicInteger sent = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicInteger recorded = new AtomicInteger();

	private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

	private ScheduledExecutorService pace;

	SaveLoad(CaptionFlowSystem system, GatewayApi api, List<CaptionState> catalog, double perSecond) {
		this.system = system;
		this.api = api;
		this.catalog = List.copyOf(catalog);
		this.perSecond = perSecond;
	}

	void start() {
		this.pace = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("save-load").factory());
		this.pace.scheduleAtFixedRate(this::tick, 0, (long) (1_000_000 / this.perSecond), TimeUnit.MICROSECONDS);
	}

	/** Stops sending and waits for the saves in flight to be answered. */
	void stop() throws InterruptedException {
		if (this.pace != null) {
			this.pace.shutdownNow();
			this.pace.awaitTermination(10, TimeUnit.SECONDS);
		}
		this.inFlight.tryAcquire(MAX_IN_FLIGHT, 30, TimeUnit.SECONDS);
		this.inFlight.release(MAX_IN_FLIGHT);
	}

	/** Records a save answered 200 that was sent by someone else than this load. */
	void record(Answered save) {
		this.answered.add(save);
		this.recorded.incrementAndGet();
	}

	List<Answered> answered() {
		return List.copyOf(this.answered);
	}

	int sent() {
		return this.sent.get();
	}

	/** Saves this load sent that were not answered 200. */
	int unanswered() {
		return this.sent.get() - (this.answered.size() - this.recorded.get());
	}

	int failed() {
		return this.failed.get();
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

	private void tick() {
		List<CaptionFlowSystem.Gateway> live = this.system.liveGateways();
		if (live.isEmpty() || !this.inFlight.tryAcquire()) {
			return;
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		CaptionState caption = this.catalog.get(random.nextInt(this.catalog.size()));
		int port = live.get(random.nextInt(live.size())).port();
		this.sent.incrementAndGet();
		Thread.ofVirtual().start(() -> {
			try {
				long revision = this.api.save(port, caption);
				if (revision < 0) {
					this.failed.incrementAndGet();
				}
				else {
					this.answered.add(new Answered(caption.videoId(), caption.id(), revision, System.nanoTime()));
				}
			}
			finally {
				this.inFlight.release();
			}
		});
	}

}
