package io.captionflow.worker.ops;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The one Kafka admin client that health and metrics share, with the application's
 * connection settings (TLS and SASL included) and short timeouts: a check of a cluster
 * that is away answers in seconds. Created when first used, closed with the application.
 */
@Component
class ClusterAdmin implements DisposableBean {

	/** How long one call to the cluster may take. */
	static final int TIMEOUT_MS = 3000;

	private final KafkaAdmin settings;

	private final String clientId;

	private @Nullable Admin admin;

	ClusterAdmin(KafkaAdmin settings, Environment environment) {
		this.settings = settings;
		this.clientId = environment.getProperty("spring.application.name", "captionflow") + "-ops";
	}

	/**
	 * The client.
	 * @return the admin client
	 */
	synchronized Admin admin() {
		if (this.admin == null) {
			Map<String, Object> config = new HashMap<>(this.settings.getConfigurationProperties());
			config.put(AdminClientConfig.CLIENT_ID_CONFIG, this.clientId);
			config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
			config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
			this.admin = Admin.create(config);
		}
		return this.admin;
	}

	@Override
	public synchronized void destroy() {
		if (this.admin != null) {
			this.admin.close(java.time.Duration.ofSeconds(1));
			this.admin = null;
		}
	}

}
