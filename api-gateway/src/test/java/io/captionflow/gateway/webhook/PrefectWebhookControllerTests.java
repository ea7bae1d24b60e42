package io.captionflow.gateway.webhook;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The answer to an accepted webhook, as its sender reads it.
 */
class PrefectWebhookControllerTests {

	@Test
	void aReceiptIsWrittenAsSuccessMessageAndClients() {
		assertThat(JsonMapper.builder()
			.build()
			.writeValueAsString(new PrefectWebhookController.Receipt(true, "import started: recorded as started", 3)))
			.isEqualTo("{\"success\":true,\"message\":\"import started: recorded as started\",\"clients\":3}");
	}

}
