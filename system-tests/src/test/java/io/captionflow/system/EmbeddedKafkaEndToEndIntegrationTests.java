package io.captionflow.system;

import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The end-to-end scenario on spring-kafka-test's embedded KRaft broker: the default,
 * needs nothing but the JVM.
 */
class EmbeddedKafkaEndToEndIntegrationTests extends EndToEndScenario {

	private EmbeddedKafkaBroker broker;

	@Override
	String startBroker() {
		this.broker = new EmbeddedKafkaKraftBroker(1, 6);
		this.broker.afterPropertiesSet();
		return this.broker.getBrokersAsString();
	}

	@Override
	void stopBroker() {
		if (this.broker != null) {
			this.broker.destroy();
		}
	}

}
