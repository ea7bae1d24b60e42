package io.captionflow.gateway.notify;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import io.captionflow.events.VideoNotification;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tail on sequences of notifications: order, duplicates and gaps, the replay window,
 * the seam between replay and live, when a client is reset, and the move to a new epoch
 * of the log.
 */
class NotificationTailTests {

	private static final long EPOCH = 7;

	/** The log's epoch. */
	private volatile long logEpoch = EPOCH;

	/** The log the tail reads missing notifications from. */
	private final List<VideoNotification> log = Collections.synchronizedList(new ArrayList<>());

	private final AtomicInteger logReads = new AtomicInteger();

	/** The catch-ups the tail asked for, run when a test says so. */
	private final Queue<Runnable> catchUps = new ArrayDeque<>();

	private final List<NotificationTail.Entry> published = new ArrayList<>();

	@Test
	void notificationsInIdOrderArePassedOnInThatOrder() {
		NotificationTail tail = started(10, 0);
		tail.offer(EPOCH, notifications(1, 3));
		tail.offer(EPOCH, notifications(4, 4));
		assertThat(publishedIds()).containsExactly(1L, 2L, 3L, 4L);
		assertThat(tail.head()).isEqualTo(4);
		assertThat(this.catchUps).isEmpty();
	}

	@Test
	void notificationsAlreadyPassedOnAreIgnored() {
		NotificationTail tail = started(10, 0);
		tail.offer(EPOCH, notifications(1, 2));
		tail.offer(EPOCH, notifications(1, 3));
		tail.offer(EPOCH, notifications(2, 2));
		assertThat(publishedIds()).containsExactly(1L, 2L, 3L);
		assertThat(this.catchUps).isEmpty();
	}

	@Test
	void theTailStartsAfterTheNewestNotificationOfTheLog() {
		NotificationTail tail = started(10, 5);
		tail.offer(EPOCH, notifications(3, 7));
		assertThat(publishedIds()).containsExactly(6L, 7L);
	}

	@Test
	void aGapIsFilledFromTheLogBeforeAnythingAfterItIsPassedOn() {
		appendToLog(1, 6);
		NotificationTail tail = started(10, 0);
		tail.offer(EPOCH, notifications(1, 1));
		tail.offer(EPOCH, notifications(3, 4));
		assertThat(publishedIds()).containsExactly(1L);

		runCatchUps();
		// the log is read to its end
		assertThat(publishedIds()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		assertThat(tail.head()).isEqualTo(6);
	}

	@Test
	void outOfOrderNotificationsArePassedOnInIdOrder() {
		appendToLog(1, 4);
		NotificationTail tail = started(10, 0);
		tail.offer(EPOCH, notifications(2, 2));
		tail.offer(EPOCH, notifications(1, 1));
		tail.offer(EPOCH, notifications(4, 4));
		tail.offer(EPOCH, notifications(3, 3));
		assertThat(publishedIds()).containsExactly(1L);
		runCatchUps();
		tail.offer(EPOCH, notifications(2, 4));
		assertThat(publishedIds()).containsExactly(1L, 2L, 3L, 4L);
	}

	@Test
	void gapsFoundWhileACatchUpWaitsToRunAreFilledByThatOne() {
		appendToLog(1, 9);
		NotificationTail tail = started(10, 0);
		tail.offer(EPOCH, notifications(3, 3));
		tail.offer(EPOCH, notifications(5, 5));
		tail.hint(9);
		assertThat(this.catchUps).hasSize(1);
		runCatchUps();
		assertThat(publishedIds()).containsExactlyElementsOf(ids(1, 9));
	}

	@Test
	void theLogIsReadInBatchesUpToItsEnd() {
		appendToLog(1, 7);
		NotificationTail tail = started(10, 0, 3);
		tail.catchUp();
		assertThat(publishedIds()).containsExactlyElementsOf(ids(1, 7));
		// 3 + 3 + 1: a short batch is the end
		assertThat(this.logReads).hasValue(3);
	}

	@Test
	void aHintOfAnIdNotPassedOnYetReadsTheLog() {
		appendToLog(1, 2);
		NotificationTail tail = started(10, 0);
		tail.hint(2);
		runCatchUps();
		assertThat(publishedIds()).containsExactly(1L, 2L);
	}

	@Test
	void aHintOfAnIdPassedOnAlreadyReadsNothing() {
		NotificationTail tail = started(10, 0);
		tail.offer(EPOCH, notifications(1, 2));
		tail.hint(2);
		tail.hint(1);
		assertThat(this.catchUps).isEmpty();
	}

	@Test
	void aLogThatCannotBeReadIsReadAgainAtTheNextCatchUp() {
		AtomicBoolean down = new AtomicBoolean(true);
		NotificationTail tail = new NotificationTail(10, 1000, 100, (after, limit) -> {
			if (down.get()) {
				throw new IllegalStateException("the database is away");
			}
			return read(after, limit);
		}, this.catchUps::add, this.published::add);
		tail.start(EPOCH, 0);
		appendToLog(1, 2);
		tail.catchUp();
		assertThat(this.published).isEmpty();
		down.set(false);
		tail.catchUp();
		assertThat(publishedIds()).containsExactly(1L, 2L);
	}

	@Test
	void aCatchUpRejectedWhileStoppingIsAskedForAgainLater() {
		AtomicBoolean stopping = new AtomicBoolean(true);
		NotificationTail tail = new NotificationTail(10, 1000, 100, this::read, (task) -> {
			if (stopping.get()) {
				throw new RejectedExecutionException("stopping");
			}
			this.catchUps.add(task);
		}, this.published::add);
		tail.start(EPOCH, 0);
		appendToLog(1, 1);
		tail.hint(1);
		stopping.set(false);
		tail.hint(1);
		runCatchUps();
		assertThat(publishedIds()).containsExactly(1L);
	}

	@Test
	void aStoppedTailPassesNothingOnAndReadsNothing() {
		NotificationTail tail = new NotificationTail(10, 1000, 100, this::read, this.catchUps::add,
				this.published::add);
		tail.offer(EPOCH, notifications(1, 1));
		tail.hint(1);
		tail.start(EPOCH, 0);
		tail.offer(EPOCH, notifications(1, 1));
		tail.stop();
		tail.offer(EPOCH, notifications(2, 2));
		tail.hint(5);
		assertThat(publishedIds()).containsExactly(1L);
		assertThat(this.catchUps).isEmpty();
		assertThat(tail.head()).isEqualTo(-1);
	}

	@Test
	void eachNotificationIsEncodedOnceAsItsEvent() {
		NotificationTail tail = started(10, 0);
		VideoNotification notification = notification(1, "v7");
		tail.offer(EPOCH, List.of(notification));
		NotificationTail.Entry entry = this.published.get(0);
		assertThat(entry.videoId()).isEqualTo("v7");
		assertThat(entry.frame()).isEqualTo(SseFrames.notification(new EventId(EPOCH, 1), notification));
		assertThat(tail.join(EPOCH, 0, (video) -> true, (at) -> {
		}).replay()).singleElement().satisfies((replayed) -> assertThat(replayed.frame()).isSameAs(entry.frame()));
	}

	@Test
	void aClientInsideTheWindowIsReplayedWhatItMissedFromMemory() {
		NotificationTail tail = started(4, 0);
		tail.offer(EPOCH, notifications(1, 10));
		assertThat(tail.resume(id(6))).isEqualTo(NotificationTail.Resume.FROM_WINDOW);
		NotificationTail.Seam seam = tail.join(EPOCH, 6, (video) -> true, (at) -> {
		});
		assertThat(seam.at()).isEqualTo(10);
		assertThat(seam.replay()).extracting(NotificationTail.Entry::id).containsExactly(7L, 8L, 9L, 10L);
	}

	@Test
	void aClientIsReplayedOnlyTheVideosItFollows() {
		NotificationTail tail = started(10, 0);
		tail.offer(EPOCH,
				List.of(notification(1, "a"), notification(2, "b"), notification(3, "a"), notification(4, "c")));
		NotificationTail.Seam seam = tail.join(EPOCH, 0, Set.of("a", "c")::contains, (at) -> {
		});
		assertThat(seam.replay()).extracting(NotificationTail.Entry::id).containsExactly(1L, 3L, 4L);
	}

	@Test
	void aClientUpToDateIsReplayedNothing() {
		NotificationTail tail = started(4, 0);
		tail.offer(EPOCH, notifications(1, 10));
		assertThat(tail.resume(id(10))).isEqualTo(NotificationTail.Resume.FROM_WINDOW);
		assertThat(tail.join(EPOCH, 10, (video) -> true, (at) -> {
		}).replay()).isEmpty();
	}

	@Test
	void aClientBehindTheWindowIsReplayedFromTheLog() {
		NotificationTail tail = started(4, 0);
		tail.offer(EPOCH, notifications(1, 10));
		// 6 is the window's first: 5 is the last id it can serve
		assertThat(tail.resume(id(5))).isEqualTo(NotificationTail.Resume.FROM_LOG);
		NotificationTail.Seam seam = tail.join(EPOCH, 5, (video) -> true, (at) -> {
		});
		assertThat(seam.replay()).isNull();
		assertThat(tail.fromLog(5, seam.at(), new NotificationReader.Span(1, 10)))
			.isEqualTo(NotificationTail.FromLog.READ);
	}

	@Test
	void aClientWhoseLastEventWasPrunedFromTheLogIsReset() {
		NotificationTail tail = started(4, 0);
		tail.offer(EPOCH, notifications(1, 20));
		NotificationReader.Span span = new NotificationReader.Span(8, 20);
		assertThat(tail.fromLog(6, 20, span)).isEqualTo(NotificationTail.FromLog.RESET_PRUNED);
		// 7 is the last id before the oldest retained: all after it is still there
		assertThat(tail.fromLog(7, 20, span)).isEqualTo(NotificationTail.FromLog.READ);
	}

	@Test
	void aClientMoreThanTheReplayLimitBehindIsResetWithoutAScanOfTheLog() {
		NotificationTail tail = started(4, 100, 100, 500);
		tail.offer(EPOCH, notifications(501, 600));
		assertThat(tail.resume(id(499))).isEqualTo(NotificationTail.Resume.TOO_FAR_BEHIND);
		assertThat(tail.tooFarBehind(499, 600)).isTrue();
		assertThat(tail.fromLog(499, 600, new NotificationReader.Span(1, 600)))
			.isEqualTo(NotificationTail.FromLog.RESET_TOO_FAR_BEHIND);
		// exactly the limit behind is replayed
		assertThat(tail.resume(id(500))).isEqualTo(NotificationTail.Resume.FROM_LOG);
		assertThat(tail.fromLog(500, 600, new NotificationReader.Span(1, 600)))
			.isEqualTo(NotificationTail.FromLog.READ);
	}

	@Test
	void aClientTheWindowServesIsReplayedHoweverFarBehindTheLimitSays() {
		NotificationTail tail = started(50, 10, 500, 0);
		tail.offer(EPOCH, notifications(1, 50));
		assertThat(tail.resume(id(20))).isEqualTo(NotificationTail.Resume.FROM_WINDOW);
		assertThat(tail.join(EPOCH, 20, (video) -> true, (at) -> {
		}).replay()).hasSize(30);
	}

	@Test
	void aClientAheadOfTheTailFollowsOnWhenTheLogNumberedItsIdAndIsResetOtherwise() {
		NotificationTail tail = started(4, 0);
		tail.offer(EPOCH, notifications(1, 10));
		assertThat(tail.resume(id(12))).isEqualTo(NotificationTail.Resume.AHEAD);
		// another instance numbered up to 15 already
		assertThat(NotificationTail.followsOn(12, new NotificationReader.Span(1, 15))).isTrue();
		assertThat(NotificationTail.followsOn(15, new NotificationReader.Span(1, 15))).isTrue();
		// an id the log never had
		assertThat(NotificationTail.followsOn(16, new NotificationReader.Span(1, 15))).isFalse();
	}

	@Test
	void anyClientIsAheadOfAStoppedTail() {
		NotificationTail tail = new NotificationTail(4, 100, 100, this::read, this.catchUps::add, this.published::add);
		assertThat(tail.resume(id(0))).isEqualTo(NotificationTail.Resume.AHEAD);
	}

	@Test
	void aJoiningClientIsAttachedAtTheHeadAndTakesLiveOnlyWhatFollowsIt() {
		NotificationTail tail = started(10, 0);
		tail.offer(EPOCH, notifications(1, 5));
		List<Long> live = new ArrayList<>();
		AtomicLong attachedAt = new AtomicLong(-2);
		NotificationTail.Seam seam = tail.join(EPOCH, 2, (video) -> true, (at) -> attachedAt.set(at.head()));
		// downstream, the client takes what follows the head it was attached at
		this.published.clear();
		tail.offer(EPOCH, notifications(4, 8));
		this.published.stream().map(NotificationTail.Entry::id).filter((id) -> id > seam.at()).forEach(live::add);

		assertThat(attachedAt).hasValue(5);
		assertThat(seam.at()).isEqualTo(5);
		List<Long> received = new ArrayList<>(seam.replay().stream().map(NotificationTail.Entry::id).toList());
		received.addAll(live);
		assertThat(received).containsExactlyElementsOf(ids(3, 8));
	}

	@Test
	void replayAndLiveMeetWithoutGapOrDuplicateWhileNotificationsArrive() throws Exception {
		int total = 5_000;
		int window = 64;
		// the clients attached, each taking what the tail passes on until it has had its
		// fill and leaves, as a connection that keeps dropping would
		Set<Client> attached = ConcurrentHashMap.newKeySet();
		NotificationTail tail = new NotificationTail(window, 1_000_000, 100, this::read, this.catchUps::add,
				(entry) -> attached.forEach((client) -> client.take(entry.id(), attached)));
		tail.start(EPOCH, 0);
		Client steady = new Client(0, Integer.MAX_VALUE);
		tail.join(EPOCH, 0, (video) -> true, (at) -> attached.add(steady));
		CountDownLatch go = new CountDownLatch(1);
		AtomicBoolean done = new AtomicBoolean();
		Thread sequencer = Thread.ofPlatform().start(() -> {
			awaitQuietly(go);
			for (long id = 1; id <= total; id++) {
				tail.offer(EPOCH, List.of(notification(id, "v")));
			}
			done.set(true);
			attached.forEach(Client::leave);
		});
		List<Client> clients = Collections.synchronizedList(new ArrayList<>());
		List<Thread> joiners = new ArrayList<>();
		for (int t = 0; t < 2; t++) {
			joiners.add(Thread.ofPlatform().start(() -> {
				awaitQuietly(go);
				while (!done.get()) {
					long after = Math.max(0, tail.head() - ThreadLocalRandom.current().nextInt(window));
					Client client = new Client(after, 1 + ThreadLocalRandom.current().nextInt(20));
					client.seam = tail.join(EPOCH, after, (video) -> true, (at) -> attached.add(client));
					clients.add(client);
					if (!done.get()) {
						// left once it had its fill, or once the sequence ended
						awaitQuietly(client.left);
					}
				}
			}));
		}
		go.countDown();
		sequencer.join(TimeUnit.MINUTES.toMillis(1));
		for (Thread joiner : joiners) {
			joiner.join(TimeUnit.MINUTES.toMillis(1));
		}
		assertThat(sequencer.isAlive()).isFalse();
		assertThat(joiners).noneMatch(Thread::isAlive);

		assertThat(steady.live).containsExactlyElementsOf(ids(1, total));
		int replayedFromMemory = 0;
		for (Client client : clients) {
			assertThat(client.live).allMatch((id) -> id > client.seam.at());
			if (client.seam.replay() == null) {
				// the head moved past the window before it joined: replayed from the log
				assertThat(client.after).isLessThan(client.seam.at() - window);
				continue;
			}
			replayedFromMemory++;
			List<Long> received = new ArrayList<>(
					client.seam.replay().stream().map(NotificationTail.Entry::id).toList());
			received.addAll(client.live);
			assertThat(received).as("after %d, joined at %d", client.after, client.seam.at())
				.containsExactlyElementsOf(ids(client.after + 1, client.after + received.size()));
			assertThat(client.after + received.size()).isGreaterThanOrEqualTo(client.seam.at());
		}
		assertThat(replayedFromMemory).isPositive();
	}

	@Test
	void aClientOfAnotherEpochOrWithABareNumberIsReset() {
		NotificationTail tail = started(10, 0);
		tail.offer(EPOCH, notifications(1, 5));
		assertThat(tail.resume(new EventId(EPOCH + 1, 3))).isEqualTo(NotificationTail.Resume.OTHER_EPOCH);
		// however far behind or ahead its number
		assertThat(tail.resume(new EventId(EPOCH + 1, 500))).isEqualTo(NotificationTail.Resume.OTHER_EPOCH);
		assertThat(tail.resume(EventId.parse("3"))).isEqualTo(NotificationTail.Resume.OTHER_EPOCH);
		assertThat(tail.resume(id(3))).isEqualTo(NotificationTail.Resume.FROM_WINDOW);
	}

	@Test
	void aReadThatFindsANewEpochMovesTheTailToTheLogsNewestAndResetsItsClients() {
		NotificationTail tail = started(10, 0);
		appendToLog(1, 8);
		tail.catchUp();
		assertThat(publishedIds()).containsExactlyElementsOf(ids(1, 8));
		// the log went back to 5 (a restore) and was given a new epoch
		rollBackLog(5, EPOCH + 1);
		this.published.clear();
		tail.catchUp();
		assertThat(this.published).singleElement().satisfies((reset) -> {
			assertThat(reset.reset()).isTrue();
			assertThat(reset.epoch()).isEqualTo(EPOCH + 1);
			assertThat(reset.id()).isEqualTo(5);
			assertThat(reset.videoId()).isNull();
			assertThat(new String(reset.frame(), StandardCharsets.UTF_8))
				.startsWith("id:" + (EPOCH + 1) + "-5\nevent:reset\n")
				.contains("\"reason\":\"epoch-changed\"", "\"newest\":5");
		});
		assertThat(tail.position()).isEqualTo(new NotificationTail.Position(EPOCH + 1, 5));
		// the numbers reissued after the rollback are passed on, in the new epoch
		appendToLog(6, 9);
		this.published.clear();
		tail.catchUp();
		assertThat(publishedIds()).containsExactlyElementsOf(ids(6, 9));
		assertThat(this.published).allMatch((entry) -> entry.epoch() == EPOCH + 1 && !entry.reset());
		assertThat(new String(this.published.get(0).frame(), StandardCharsets.UTF_8))
			.startsWith("id:" + (EPOCH + 1) + "-6\n");
	}

	@Test
	void theWindowOfTheOldEpochIsNotReplayedInTheNewOne() {
		NotificationTail tail = started(10, 0);
		appendToLog(1, 8);
		tail.catchUp();
		rollBackLog(5, EPOCH + 1);
		tail.catchUp();
		// a client of the new epoch at 5 is owed nothing from the old window's 6..8
		NotificationTail.Seam seam = tail.join(EPOCH + 1, 5, (video) -> true, (at) -> {
		});
		assertThat(seam.moved()).isFalse();
		assertThat(seam.epoch()).isEqualTo(EPOCH + 1);
		assertThat(seam.at()).isEqualTo(5);
		assertThat(seam.replay()).isEmpty();
		// and one of the old epoch, even at a number the new one has, is reset
		assertThat(tail.resume(id(5))).isEqualTo(NotificationTail.Resume.OTHER_EPOCH);
	}

	@Test
	void aClientToldToResumeBeforeTheEpochMovedIsNotJoinedInTheNewOne() {
		NotificationTail tail = started(10, 0);
		appendToLog(1, 8);
		tail.catchUp();
		// checked in the old epoch: its 6 is in the window
		assertThat(tail.resume(id(6))).isEqualTo(NotificationTail.Resume.FROM_WINDOW);
		// and before it joins, the log goes back and numbers 6..7 again
		rollBackLog(5, EPOCH + 1);
		appendToLog(6, 7);
		tail.catchUp();
		List<NotificationTail.Position> attached = new ArrayList<>();
		NotificationTail.Seam seam = tail.join(EPOCH, 6, (video) -> true, attached::add);
		assertThat(seam.moved()).isTrue();
		assertThat(seam.replay()).isNull();
		assertThat(attached).isEmpty();
		// a client joining afresh is joined in the new epoch, whatever epoch it names
		NotificationTail.Seam fresh = tail.join(EPOCH, -1, (video) -> true, attached::add);
		assertThat(fresh.moved()).isFalse();
		assertThat(attached).containsExactly(new NotificationTail.Position(EPOCH + 1, 7));
	}

	@Test
	void notificationsOfferedInAnotherEpochAreReadFromTheLogInstead() {
		NotificationTail tail = started(10, 0);
		tail.offer(EPOCH, notifications(1, 4));
		rollBackLog(2, EPOCH + 1);
		appendToLog(3, 3);
		this.published.clear();
		// the sequencer numbered 3 in the new epoch before this tail read it
		tail.offer(EPOCH + 1, notifications(3, 3));
		assertThat(this.published).isEmpty();
		runCatchUps();
		assertThat(this.published).extracting(NotificationTail.Entry::reset).containsExactly(true);
		assertThat(tail.position()).isEqualTo(new NotificationTail.Position(EPOCH + 1, 3));
		// numbered in the old epoch by a sequencer that had not seen the change: ignored
		tail.offer(EPOCH, notifications(4, 4));
		assertThat(this.published).hasSize(1);
	}

	@Test
	void aReadOfTheSameEpochNeverResets() {
		NotificationTail tail = started(10, 0);
		appendToLog(1, 3);
		tail.catchUp();
		tail.catchUp();
		tail.catchUpNow();
		assertThat(this.published).noneMatch(NotificationTail.Entry::reset);
		assertThat(tail.position()).isEqualTo(new NotificationTail.Position(EPOCH, 3));
	}

	private NotificationTail started(int window, long newest) {
		return started(window, 1000, 100, newest);
	}

	private NotificationTail started(int window, long newest, int batch) {
		return started(window, 1000, batch, newest);
	}

	private NotificationTail started(int window, long maxReplay, int batch, long newest) {
		NotificationTail tail = new NotificationTail(window, maxReplay, batch, this::read, this.catchUps::add,
				this.published::add);
		tail.start(EPOCH, newest);
		return tail;
	}

	private NotificationTail.Page read(long after, int limit) {
		this.logReads.incrementAndGet();
		synchronized (this.log) {
			long oldest = this.log.isEmpty() ? 0 : this.log.get(0).id();
			long newest = this.log.isEmpty() ? 0 : this.log.get(this.log.size() - 1).id();
			return new NotificationTail.Page(this.logEpoch, oldest, newest,
					this.log.stream().filter((notification) -> notification.id() > after).limit(limit).toList());
		}
	}

	private static EventId id(long number) {
		return new EventId(EPOCH, number);
	}

	private void runCatchUps() {
		for (Runnable catchUp = this.catchUps.poll(); catchUp != null; catchUp = this.catchUps.poll()) {
			catchUp.run();
		}
	}

	/** What a restore leaves: the log without its newest, in a new epoch. */
	private void rollBackLog(long newest, long epoch) {
		this.log.removeIf((notification) -> notification.id() > newest);
		this.logEpoch = epoch;
	}

	private void appendToLog(long from, long to) {
		this.log.addAll(notifications(from, to));
	}

	private List<Long> publishedIds() {
		return this.published.stream().map(NotificationTail.Entry::id).toList();
	}

	private static List<Long> ids(long from, long to) {
		return LongStream.rangeClosed(from, to).boxed().toList();
	}

	private static List<VideoNotification> notifications(long from, long to) {
		return LongStream.rangeClosed(from, to).mapToObj((id) -> notification(id, "v" + (id % 3))).toList();
	}

	private static VideoNotification notification(long id, String videoId) {
		return new VideoNotification(VideoNotification.SCHEMA_VERSION, id, videoId, "flow-" + id,
				VideoNotification.Status.STARTED, null, null, Instant.EPOCH, "test", null);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A client in the concurrent test. */
	private static final class Client {

		final long after;

		final int fill;

		final List<Long> live = Collections.synchronizedList(new ArrayList<>());

		final CountDownLatch left = new CountDownLatch(1);

		volatile NotificationTail.Seam seam;

		Client(long after, int fill) {
			this.after = after;
			this.fill = fill;
		}

		/** Called by the tail, in id order. */
		void take(long id, Set<Client> attached) {
			this.live.add(id);
			if (this.live.size() >= this.fill) {
				attached.remove(this);
				leave();
			}
		}

		void leave() {
			this.left.countDown();
		}

	}

}
