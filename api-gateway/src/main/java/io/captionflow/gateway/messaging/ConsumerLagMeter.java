package io.captionflow.gateway.messaging;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Measures how far the CaptionFlow consumer groups are behind,
 * {@code captionflow.kafka.consumer.lag{group, topic}}: the records on the topic's
 * partitions after each one's committed offset, summed, read every
 * {@code consumer-lag.interval} on a thread of its own (a scrape never waits on Kafka). A
 * group's lag on the caption requests is the queue in front of the workers, what an
 * autoscaler scales them on. While the offsets cannot be read the gauges are NaN rather
 * than their last value, so that a stale number is not mistaken for a fresh one.
 */
@Component
class ConsumerLagMeter implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ConsumerLagMeter.class);

	private final ClusterAdmin cluster;

	private final MessagingProperties.ConsumerLag settings;

	private final MeterRegistry meters;

	private final Map<String, AtomicReference<Double>> lags = new ConcurrentHashMap<>();

	private volatile @Nullable ScheduledExecutorService thread;

	private volatile boolean failing;

	ConsumerLagMeter(ClusterAdmin cluster, MessagingProperties properties, MeterRegistry meters) {
		this.cluster = cluster;
		this.settings = properties.consumerLag();
		this.meters = meters;
	}

	@Override
	public void start() {
		ScheduledExecutorService started = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("consumer-lag").daemon().factory());
		long every = this.settings.interval().toMillis();
		started.scheduleWithFixedDelay(this::measure, 0, every, TimeUnit.MILLISECONDS);
		this.thread = started;
	}

	@Override
	public void stop() {
		ScheduledExecutorService running = this.thread;
		if (running != null) {
			running.shutdownNow();
			this.thread = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

	/** Reads every group's lag once; any failure is caught, so the next round runs. */
	void measure() {
		for (String group : this.settings.groups()) {
			try {
				Map<String, Long> byTopic = lag(this.cluster.admin(), group);
				this.lags.forEach((key, value) -> {
					if (key.startsWith(group + '\0') && !byTopic.containsKey(key.substring(group.length() + 1))) {
						value.set(0.0);
					}
				});
				byTopic.forEach((topic, lag) -> gauge(group, topic).set(lag.doubleValue()));
				this.failing = false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				this.lags.forEach((key, value) -> {
					if (key.startsWith(group + '\0')) {
						value.set(Double.NaN);
					}
				});
				if (!this.failing) {
					logger.warn("Cannot read the lag of consumer group {}: {}", group, ex.toString());
					this.failing = true;
				}
			}
		}
	}

	private static Map<String, Long> lag(Admin admin, String group)
			throws InterruptedException, ExecutionException, TimeoutException {
		Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
			.partitionsToOffsetAndMetadata()
			.get(ClusterAdmin.TIMEOUT_MS, TimeUnit.MILLISECONDS);
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		committed.forEach((partition, offset) -> {
			if (offset != null) {
				latest.put(partition, OffsetSpec.latest());
			}
		});
		Map<String, Long> byTopic = new HashMap<>();
		if (latest.isEmpty()) {
			return byTopic;
		}
		Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest)
			.all()
			.get(ClusterAdmin.TIMEOUT_MS, TimeUnit.MILLISECONDS);
		ends.forEach((partition, end) -> {
			OffsetAndMetadata offset = committed.get(partition);
			long behind = (offset != null) ? Math.max(0, end.offset() - offset.offset()) : 0;
			byTopic.merge(partition.topic(), behind, Math::addExact);
		});
		return byTopic;
	}

	private AtomicReference<Double> gauge(String group, String topic) {
		return this.lags.computeIfAbsent(group + '\0' + topic, (key) -> {
			AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
			Gauge.builder("captionflow.kafka.consumer.lag", value, AtomicReference::get)
				.description("Records after the consumer group's committed offsets, summed over the topic's partitions")
				.tag("group", group)
				.tag("topic", topic)
				.register(this.meters);
			return value;
		});
	}

}
