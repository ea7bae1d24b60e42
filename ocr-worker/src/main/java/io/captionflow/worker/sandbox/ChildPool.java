package io.captionflow.worker.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A bounded pool of supervised child processes of one kind (the decoders, the OCR
 * engines): a caller borrows an idle child, or starts one while the pool has room, or
 * waits for one to come back; a child that crashed, was killed or broke its connection is
 * not given out again but closed and, when next needed, replaced by a fresh one.
 *
 * @param <P> the kind of child
 */
public final class ChildPool<P extends ChildPool.Member> implements AutoCloseable {

	private final String kind;

	private final int size;

	private final Duration wait;

	private final Supplier<P> spawn;

	private final Function<String, RuntimeException> unavailable;

	private final LinkedBlockingDeque<P> idle = new LinkedBlockingDeque<>();

	private final Set<P> all = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	/** Children started, the first ones included. */
	private final AtomicLong started = new AtomicLong();

	/** Children found dead, killed or broken while the pool was open. */
	private final AtomicLong lost = new AtomicLong();

	/** Why the last start of a child failed; null once one started since. */
	private volatile @Nullable String startFailure;

	/**
	 * Creates a pool; its children start when first needed, or on {@link #start()}.
	 * @param kind what the children are, for messages: {@code decoder}, {@code OCR}
	 * @param size the most children
	 * @param wait how long a caller waits for a busy child to come back
	 * @param spawn starts a child, ready for use
	 * @param unavailable the exception for when no child can be had, from its message
	 */
	public ChildPool(String kind, int size, Duration wait, Supplier<P> spawn,
			Function<String, RuntimeException> unavailable) {
		if (size < 1) {
			throw new IllegalArgumentException("the " + kind + " pool needs at least one process");
		}
		this.kind = kind;
		this.size = size;
		this.wait = wait;
		this.spawn = spawn;
		this.unavailable = unavailable;
	}

	/**
	 * Starts every child now, in parallel, so the first callers do not wait for them.
	 */
	public void start() {
		List<Thread> starting = new ArrayList<>();
		for (int i = 0; i < this.size; i++) {
			starting.add(Thread.startVirtualThread(() -> this.idle.add(spawned())));
		}
		for (Thread thread : starting) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * A usable child, for the caller alone until {@link #giveBack given back}.
	 * @return the child
	 * @throws RuntimeException the pool's unavailable exception, when the pool is closed
	 * or no child came back in time
	 */
	public P borrow() {
		if (this.closed) {
			throw this.unavailable.apply("the " + this.kind + " pool is shut down");
		}
		P child = this.idle.pollFirst();
		while (child != null && !child.isUsable()) {
			lose(child);
			child = this.idle.pollFirst();
		}
		if (child != null) {
			return child;
		}
		if (this.all.size() < this.size) {
			return spawned();
		}
		try {
			child = this.idle.pollFirst(this.wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw this.unavailable.apply("interrupted while waiting for a " + this.kind + " process");
		}
		if (child == null) {
			throw this.unavailable.apply("no " + this.kind + " process became free within " + describe(this.wait));
		}
		if (child.isUsable()) {
			return child;
		}
		lose(child);
		return spawned();
	}

	/**
	 * Takes a child back: idle again if still usable, else closed.
	 * @param child a child borrowed from this pool
	 */
	public void giveBack(P child) {
		if (this.closed) {
			discard(child);
			return;
		}
		if (!child.isUsable()) {
			lose(child);
			return;
		}
		this.idle.addFirst(child);
	}

	/**
	 * What the pool has done so far, for metrics and health.
	 * @return its counts
	 */
	public Stats stats() {
		return new Stats(this.kind, this.size, this.all.size(), this.idle.size(), this.started.get(), this.lost.get(),
				this.closed, this.startFailure);
	}

	/**
	 * The process ids of the running children, for operators and monitoring.
	 * @return child pids
	 */
	public List<Long> pids() {
		return this.all.stream().map(Member::pid).sorted().toList();
	}

	@Override
	public void close() {
		this.closed = true;
		P child;
		while ((child = this.idle.pollFirst()) != null) {
			discard(child);
		}
		for (P busy : List.copyOf(this.all)) {
			discard(busy);
		}
	}

	private static String describe(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	private P spawned() {
		P child;
		try {
			child = this.spawn.get();
		}
		catch (RuntimeException ex) {
			this.startFailure = String.valueOf(ex.getMessage());
			throw ex;
		}
		this.startFailure = null;
		this.started.incrementAndGet();
		this.all.add(child);
		return child;
	}

	/** A child that died, was killed or broke while the pool is open. */
	private void lose(P child) {
		if (this.all.contains(child)) {
			this.lost.incrementAndGet();
		}
		discard(child);
	}

	private void discard(P child) {
		this.all.remove(child);
		child.close();
	}

	/**
	 * What a pool has done so far.
	 *
	 * @param kind what its children are
	 * @param size the most children
	 * @param live children running now
	 * @param idle children waiting for work
	 * @param started children started, the first ones included
	 * @param lost children found dead, killed (a timeout) or broken while the pool was
	 * open: each is replaced when next needed
	 * @param closed whether the pool is shut down
	 * @param startFailure why the last start of a child failed, if no child started since
	 */
	public record Stats(String kind, int size, int live, int idle, long started, long lost, boolean closed,
			@Nullable String startFailure) {

		/**
		 * Whether the pool can serve a caller now or once a child comes back: it is open,
		 * and a child runs or the last start did not fail.
		 * @return true when available
		 */
		public boolean available() {
			return !this.closed && (this.live > 0 || this.startFailure == null);
		}

	}

	/**
	 * What a pool needs of a child.
	 */
	public interface Member {

		/**
		 * Whether the child may take another request.
		 * @return false once it died, was stopped or its connection broke
		 */
		boolean isUsable();

		/**
		 * The child's process id.
		 * @return its pid
		 */
		long pid();

		/**
		 * Ends the child.
		 */
		void close();

	}

}
