package io.captionflow.gateway.admission;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream slots per address and in total.
 */
class StreamSlotsTests {

	@Test
	void anAddressGetsItsCapWorthThenIsRefusedWhileOthersAreAdmitted() {
		StreamSlots slots = new StreamSlots(100, 3);
		List<StreamSlots.Ticket> tickets = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			tickets.add(slots.acquire("10.0.0.1"));
		}
		assertThat(tickets).allMatch(StreamSlots.Slot.class::isInstance);
		assertThat(slots.acquire("10.0.0.1")).isEqualTo(new StreamSlots.Refused(StreamSlots.Limit.PER_ADDRESS));
		assertThat(slots.acquire("10.0.0.2")).isInstanceOf(StreamSlots.Slot.class);
		assertThat(slots.held()).isEqualTo(4);
		assertThat(slots.held("10.0.0.1")).isEqualTo(3);
	}

	@Test
	void theTotalCapRefusesEveryAddressAndARefusalHoldsNothing() {
		StreamSlots slots = new StreamSlots(2, 5);
		StreamSlots.Slot first = (StreamSlots.Slot) slots.acquire("a");
		slots.acquire("b");
		assertThat(slots.acquire("c")).isEqualTo(new StreamSlots.Refused(StreamSlots.Limit.TOTAL));
		assertThat(slots.held("c")).isZero();
		assertThat(slots.addresses()).isEqualTo(2);
		first.release();
		assertThat(slots.acquire("c")).isInstanceOf(StreamSlots.Slot.class);
	}

	@Test
	void aSlotReleasedTwiceIsReleasedOnceAndAnAddressHoldingNothingIsForgotten() {
		StreamSlots slots = new StreamSlots(10, 1);
		StreamSlots.Slot slot = (StreamSlots.Slot) slots.acquire("a");
		StreamSlots.Slot other = (StreamSlots.Slot) slots.acquire("b");
		slot.release();
		slot.release();
		assertThat(slots.held()).isEqualTo(1);
		assertThat(slots.addresses()).isEqualTo(1);
		other.release();
		assertThat(slots.held()).isZero();
		assertThat(slots.addresses()).isZero();
	}

	@Test
	void concurrentAcquiresNeverGoOverTheCaps() throws Exception {
		StreamSlots slots = new StreamSlots(500, 50);
		ExecutorService threads = Executors.newFixedThreadPool(8);
		CountDownLatch start = new CountDownLatch(1);
		List<StreamSlots.Ticket> tickets = Collections.synchronizedList(new ArrayList<>());
		try {
			for (int t = 0; t < 8; t++) {
				threads.execute(() -> {
					try {
						start.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					for (int i = 0; i < 1000; i++) {
						tickets.add(slots.acquire("10.0.0." + (i % 20)));
					}
				});
			}
			start.countDown();
		}
		finally {
			threads.shutdown();
			assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}
		// 20 addresses of at most 50 each, at most 500 in all
		assertThat(tickets.stream().filter(StreamSlots.Slot.class::isInstance)).hasSize(500);
		assertThat(slots.held()).isEqualTo(500);
		for (int i = 0; i < 20; i++) {
			assertThat(slots.held("10.0.0." + i)).isLessThanOrEqualTo(50);
		}
		tickets.stream()
			.filter(StreamSlots.Slot.class::isInstance)
			.map(StreamSlots.Slot.class::cast)
			.forEach(StreamSlots.Slot::release);
		assertThat(slots.held()).isZero();
		assertThat(slots.addresses()).isZero();
	}

}
