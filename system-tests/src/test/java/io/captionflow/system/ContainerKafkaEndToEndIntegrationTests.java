package io.captionflow.system;

import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end scenario on Apache Kafka in a container, the broker image production
 * would run. Optional: skipped, not failed, where no Docker engine is reachable.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaEndToEndIntegrationTests extends EndToEndScenario {

	private KafkaContainer broker;

	@Override
	String startBroker() {
		this.broker = new KafkaContainer("apache/kafka:4.1.2");
		this.broker.start();
		return this.broker.getBootstrapServers();
	}

	@Override
	void stopBroker() {
		if (this.broker != null) {
			this.broker.stop();
		}
	}

}
