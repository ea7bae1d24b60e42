package io.captionflow.worker.ops;

import java.time.Duration;

import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * The health of the Kafka cluster as this application reaches it ({@code kafka}):
 * {@code UP} with the brokers and the controller when the cluster answers within 3 s,
 * {@code DOWN} otherwise. Part of readiness: a worker that cannot reach Kafka takes no
 * request and can publish no outcome.
 */
@Component("kafka")
class KafkaHealthIndicator extends AbstractReactiveHealthIndicator {

	private final ClusterAdmin cluster;

	KafkaHealthIndicator(ClusterAdmin cluster) {
		super("Kafka could not be reached");
		this.cluster = cluster;
	}

	@Override
	protected Mono<Health> doHealthCheck(Health.Builder builder) {
		// creating the client resolves the bootstrap servers: not on the event loop
		return Mono
			.fromCallable(() -> this.cluster.admin()
				.describeCluster(new DescribeClusterOptions().timeoutMs(ClusterAdmin.TIMEOUT_MS)))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(KafkaHealthIndicator::described)
			.timeout(Duration.ofMillis(ClusterAdmin.TIMEOUT_MS + 1000))
			.map((cluster) -> builder.up()
				.withDetail("clusterId", cluster.id())
				.withDetail("brokers", cluster.brokers())
				.withDetail("controller", cluster.controller())
				.build());
	}

	private static Mono<Cluster> described(DescribeClusterResult result) {
		return Mono.fromCompletionStage(result.clusterId().toCompletionStage())
			.zipWith(Mono.fromCompletionStage(result.nodes().toCompletionStage()))
			.zipWith(Mono.fromCompletionStage(result.controller().toCompletionStage()),
					(idAndNodes, controller) -> new Cluster(idAndNodes.getT1(), idAndNodes.getT2().size(),
							(controller != null) ? controller.idString() : "none"));
	}

	private record Cluster(String id, int brokers, String controller) {
	}

}
