package io.captionflow.gateway.notify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.captionflow.events.VideoNotification;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's end of the notification log, and what a reconnecting client is owed.
 * Plain Java: no Spring, no Reactor.
 * <p>
 * Every notification reaches clients through {@link #offer(long, List)}, which passes on
 * only the next id after the last one passed on (the head): an id already passed on is
 * ignored, and one further on is a gap, which makes the tail read the missing ids from
 * the log ({@link #catchUp()}, on the catch-up executor). So whichever way a notification
 * came, and however often, the {@link Downstream} sees the log in order, without a gap or
 * a duplicate.
 * <p>
 * The tail keeps the newest notifications passed on (the window) to replay to
 * reconnecting clients. A client joins with {@link #join}: with the tail's lock held, it
 * is attached at the head and given the window's notifications after its last id, so
 * every notification is either replayed to it or passed on live after it joined, never
 * both, never neither. The tail also decides when a client gets {@code reset} instead of
 * a replay: its last id is of another epoch, older than the log retains, more than the
 * replay limit behind, or one the log never numbered.
 * <p>
 * The tail is in one epoch of the log at a time, and every read of the log says which
 * epoch the log is in. When a read finds another, the log went back and its numbers were
 * reissued: the tail moves to the log's newest number in the new epoch, forgets its
 * window, and passes a {@code reset} on to every client of the old one. Only reads change
 * the epoch, one at a time, so a stale read never moves the tail back to an epoch it
 * left.
 */
final class NotificationTail {

	private static final Logger logger = LoggerFactory.getLogger(NotificationTail.class);

	private final int windowSize;

	private final long maxReplay;

	private final int batchSize;

	private final Log log;

	private final Executor catchUps;

	private final Downstream downstream;

	private final Object lock = new Object();

	/** The newest id passed on; -1 until started. Guarded by {@link #lock}. */
	private long head = -1;

	/** The epoch of the log the head is in. Guarded by {@link #lock}. */
	private long epoch = NotificationEpochs.Epoch.NONE;

	/** The newest notifications passed on, oldest first. Guarded by {@link #lock}. */
	private final ArrayDeque<Entry> window = new ArrayDeque<>();

	/** Held by the one read of the log running. */
	private final ReentrantLock reading = new ReentrantLock();

	private final AtomicBoolean catchUpQueued = new AtomicBoolean();

	/**
	 * @param windowSize the most notifications kept to replay from memory
	 * @param maxReplay the most notifications a client may be behind to be replayed; one
	 * further behind is reset
	 * @param batchSize the most notifications read from the log at once
	 * @param log where missing notifications are read
	 * @param catchUps where reads of the log run; a task it rejects is dropped (the tail
	 * is stopping)
	 * @param downstream what the notifications are passed on to
	 */
	NotificationTail(int windowSize, long maxReplay, int batchSize, Log log, Executor catchUps, Downstream downstream) {
		this.windowSize = windowSize;
		this.maxReplay = maxReplay;
		this.batchSize = batchSize;
		this.log = log;
		this.catchUps = catchUps;
		this.downstream = downstream;
	}

	/**
	 * Starts after the newest notification the log holds: what was numbered before is
	 * history, read from the log by the clients that missed it.
	 * @param epoch the log's epoch
	 * @param newest the log's newest id, 0 when empty
	 */
	void start(long epoch, long newest) {
		synchronized (this.lock) {
			this.epoch = epoch;
			this.head = newest;
		}
	}

	/**
	 * Stops: nothing is passed on until started again.
	 */
	void stop() {
		synchronized (this.lock) {
			this.head = -1;
			this.window.clear();
		}
	}

	/**
	 * The newest id passed on.
	 * @return the id, or -1 when stopped
	 */
	long head() {
		synchronized (this.lock) {
			return this.head;
		}
	}

	/**
	 * The epoch and the newest id passed on in it.
	 * @return both, read together
	 */
	Position position() {
		synchronized (this.lock) {
			return new Position(this.epoch, this.head);
		}
	}

	/**
	 * Passes on notifications in id order: the one way a notification reaches clients.
	 * Those already passed on are ignored; a gap makes the tail read the missing ones
	 * from the log, and nothing after the gap is passed on until then. Notifications of
	 * another epoch than the tail's are not passed on: the tail reads the log, which says
	 * which epoch is current.
	 * @param epoch the epoch they were numbered in
	 * @param notifications numbered notifications in id order
	 */
	void offer(long epoch, List<VideoNotification> notifications) {
		boolean gap;
		synchronized (this.lock) {
			if (this.head < 0) {
				return;
			}
			// of another epoch: the tail reads the log instead
			gap = this.epoch != epoch;
			for (int i = 0; !gap && i < notifications.size(); i++) {
				VideoNotification notification = notifications.get(i);
				if (notification.id() <= this.head) {
					continue;
				}
				if (notification.id() != this.head + 1) {
					gap = true;
					break;
				}
				append(notification);
			}
		}
		if (gap) {
			catchUpSoon();
		}
	}

	/**
	 * Learns that the log numbered an id (another instance did): the tail reads the log
	 * when it has not passed that id on yet. The id is only that hint: what is passed on
	 * is read from the log.
	 * @param id the id numbered
	 */
	void hint(long id) {
		boolean newer;
		synchronized (this.lock) {
			newer = this.head >= 0 && id > this.head;
		}
		if (newer) {
			catchUpSoon();
		}
	}

	/**
	 * Reads the log after the head and offers what it holds, a batch at a time, until it
	 * holds no more; a read that finds the log in another epoch moves the tail to it. One
	 * read runs at a time; one asked for meanwhile is not needed (the running one reads
	 * on to the end). A log that cannot be read is logged and read again at the next
	 * catch-up.
	 */
	void catchUp() {
		if (!this.reading.tryLock()) {
			return;
		}
		read();
	}

	/**
	 * Reads the log as {@link #catchUp()} does, after the read running now if there is
	 * one, so that the tail is in the epoch the log was in when this was called. Blocks.
	 */
	void catchUpNow() {
		this.reading.lock();
		read();
	}

	/** Called with {@link #reading} held, which it releases. */
	private void read() {
		try {
			while (true) {
				Position from = position();
				if (from.head() < 0) {
					return;
				}
				Page page = this.log.after(from.head(), this.batchSize);
				if (page == null) {
					return;
				}
				if (page.epoch() != from.epoch()) {
					if (!rebase(from.epoch(), page)) {
						return;
					}
					// read on after the new head
					continue;
				}
				if (page.notifications().isEmpty()) {
					return;
				}
				offer(page.epoch(), page.notifications());
				if (page.notifications().size() < this.batchSize) {
					return;
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot read the notification log: {}", ex.toString());
		}
		finally {
			this.reading.unlock();
		}
	}

	/**
	 * Moves to the epoch a read found: the head becomes the log's newest number, the
	 * window is forgotten (its ids belong to the old epoch), and every client of the old
	 * epoch is passed a {@code reset}.
	 */
	private boolean rebase(long old, Page page) {
		synchronized (this.lock) {
			if (this.head < 0 || this.epoch != old) {
				return false;
			}
			logger.warn(
					"The notification log is in epoch {}, no longer {} (this instance had passed on up to {}, "
							+ "the log's newest is {}): its clients are sent reset",
					page.epoch(), old, this.head, page.newest());
			this.epoch = page.epoch();
			this.head = page.newest();
			this.window.clear();
			EventId at = new EventId(this.epoch, this.head);
			this.downstream.publish(new Entry(this.epoch, this.head, null,
					SseFrames.reset(at, null, page.oldest(), SseFrames.EPOCH_CHANGED), true));
			return true;
		}
	}

	/**
	 * Reads the log on the catch-up executor; requests that come while a read is waiting
	 * to run are served by that one read.
	 */
	void catchUpSoon() {
		if (this.catchUpQueued.compareAndSet(false, true)) {
			try {
				this.catchUps.execute(() -> {
					this.catchUpQueued.set(false);
					catchUp();
				});
			}
			catch (RejectedExecutionException ex) {
				// stopping
				this.catchUpQueued.set(false);
			}
		}
	}

	/** Called with the lock held. */
	private void append(VideoNotification notification) {
		this.head = notification.id();
		Entry entry = new Entry(this.epoch, notification.id(), notification.videoId(),
				SseFrames.notification(new EventId(this.epoch, notification.id()), notification), false);
		this.window.addLast(entry);
		while (this.window.size() > this.windowSize) {
			this.window.removeFirst();
		}
		// with the lock held, so downstream sees the ids in order
		this.downstream.publish(entry);
	}

	/**
	 * How a client that sent a last event id is served, decided before its stream starts
	 * (a replay from the log needs a permit).
	 * @param lastEventId the id of the last event the client saw
	 * @return how
	 */
	Resume resume(EventId lastEventId) {
		long known;
		long epoch;
		boolean inWindow;
		synchronized (this.lock) {
			known = this.head;
			epoch = this.epoch;
			inWindow = lastEventId.number() >= this.head - this.window.size();
		}
		if (known >= 0 && lastEventId.epoch() != epoch) {
			// a bare legacy number is of no known epoch: what it counted may have been
			// numbered again since
			return Resume.OTHER_EPOCH;
		}
		return resume(lastEventId.number(), known, inWindow);
	}

	private Resume resume(long lastEventId, long known, boolean inWindow) {
		if (lastEventId > known) {
			return Resume.AHEAD;
		}
		if (inWindow) {
			return Resume.FROM_WINDOW;
		}
		if (tooFarBehind(lastEventId, known)) {
			return Resume.TOO_FAR_BEHIND;
		}
		return Resume.FROM_LOG;
	}

	/**
	 * Joins a client at the head: {@code attach} runs with the tail's lock held, so the
	 * client is passed on every notification after the head from then on, and is given
	 * the window's notifications after {@code after} up to the head, when the window
	 * still holds all of them. The client must take only notifications after
	 * {@link Seam#at()} live: one passed on just before it joined may still be on its way
	 * downstream.
	 * <p>
	 * A client with a last id is joined only in the epoch that id is of: should the tail
	 * have moved to another since the client was told how it resumes, its id may have
	 * been numbered again, so it is not attached and the seam says the epoch moved (the
	 * client is then reset).
	 * @param epoch the epoch of the client's last id; ignored when {@code after} is -1
	 * @param after the client's last id, or -1 to replay nothing
	 * @param follows the videos the client follows
	 * @param attach adds the client downstream, given the epoch and the head
	 * @return the epoch and head it joined at and its replay, or that the epoch moved
	 */
	Seam join(long epoch, long after, Predicate<String> follows, Consumer<Position> attach) {
		synchronized (this.lock) {
			if (after >= 0 && epoch != this.epoch) {
				return new Seam(this.epoch, this.head, null, true);
			}
			attach.accept(new Position(this.epoch, this.head));
			if (after < 0 || after < this.head - this.window.size()) {
				return new Seam(this.epoch, this.head, null, false);
			}
			List<Entry> replay = new ArrayList<>();
			for (Entry entry : this.window) {
				if (entry.id() > after && follows.test(entry.videoId())) {
					replay.add(entry);
				}
			}
			return new Seam(this.epoch, this.head, List.copyOf(replay), false);
		}
	}

	/**
	 * Whether a client is more than the replay limit behind: it is reset rather than
	 * replayed from the log.
	 * @param after the client's last id
	 * @param upTo the id it would be replayed up to
	 * @return true when too far behind
	 */
	boolean tooFarBehind(long after, long upTo) {
		return upTo - after > this.maxReplay;
	}

	/**
	 * How a client behind the window is served from the log.
	 * @param after the client's last id
	 * @param upTo the head it joined at
	 * @param span the ids the log holds
	 * @return a read of the log, or why the client is reset instead
	 */
	FromLog fromLog(long after, long upTo, NotificationReader.Span span) {
		if (after < span.oldest() - 1) {
			return FromLog.RESET_PRUNED;
		}
		if (tooFarBehind(after, upTo)) {
			return FromLog.RESET_TOO_FAR_BEHIND;
		}
		return FromLog.READ;
	}

	/**
	 * Whether a client ahead of this instance follows on from its last id: it does when
	 * the log numbered that id (the client came from another instance, which passed it on
	 * sooner); an id the log never numbered is reset.
	 * @param lastEventId the client's last id
	 * @param span the ids the log holds
	 * @return true to follow on, false to reset
	 */
	static boolean followsOn(long lastEventId, NotificationReader.Span span) {
		return lastEventId <= span.newest();
	}

	/**
	 * Where missing notifications are read.
	 */
	@FunctionalInterface
	interface Log {

		/**
		 * Reads numbered notifications in id order, and the log's epoch and span, in one
		 * read; blocks.
		 * @param id only ids above this one
		 * @param limit the most read
		 * @return the page
		 */
		Page after(long id, int limit);

	}

	/**
	 * One read of the log.
	 *
	 * @param epoch the log's epoch
	 * @param oldest the oldest number the log holds, 0 when empty
	 * @param newest the newest number the log holds, 0 when empty
	 * @param notifications the notifications read, in id order
	 */
	record Page(long epoch, long oldest, long newest, List<VideoNotification> notifications) {
	}

	/**
	 * Where the tail is.
	 *
	 * @param epoch the log's epoch the tail is in
	 * @param head the newest id passed on in it; -1 when stopped
	 */
	record Position(long epoch, long head) {
	}

	/**
	 * What the tail passes notifications on to.
	 */
	@FunctionalInterface
	interface Downstream {

		/**
		 * Takes the next notification; called in id order with the tail's lock held, so
		 * it must hand the entry on rather than write to a client.
		 * @param entry the notification
		 */
		void publish(Entry entry);

	}

	/**
	 * A notification passed on, or the {@code reset} that moves clients to a new epoch.
	 *
	 * @param epoch its epoch
	 * @param id its id; of a reset, the log's newest number in the new epoch
	 * @param videoId its video; null for a reset, which every client of an older epoch
	 * takes
	 * @param frame its event, encoded once for every client
	 * @param reset whether it is the reset of a new epoch
	 */
	record Entry(long epoch, long id, @Nullable String videoId, byte[] frame, boolean reset) {
	}

	/**
	 * Where a client joined.
	 *
	 * @param epoch the epoch it joined in
	 * @param at the head when it joined: it takes only later notifications live
	 * @param replay what it missed up to {@code at}, from the window; null when the
	 * window no longer holds all of it
	 * @param moved whether the tail was in another epoch than the client's last id, and
	 * the client was not joined
	 */
	record Seam(long epoch, long at, @Nullable List<Entry> replay, boolean moved) {
	}

	/** How a client that sent a last event id is served. */
	enum Resume {

		/** Its id is of another epoch, or a bare legacy number: reset. */
		OTHER_EPOCH,

		/** Its id is after the head: follows on or is reset, as the log says. */
		AHEAD,

		/** The window holds everything after its id. */
		FROM_WINDOW,

		/** More than the replay limit behind: reset, without a scan of the log. */
		TOO_FAR_BEHIND,

		/** Replayed from the log, which needs a permit. */
		FROM_LOG

	}

	/** How a client behind the window is served from the log. */
	enum FromLog {

		/** What it missed is read from the log. */
		READ,

		/** Reset: the log no longer holds everything after its id. */
		RESET_PRUNED,

		/** Reset: more than the replay limit behind. */
		RESET_TOO_FAR_BEHIND

	}

}
