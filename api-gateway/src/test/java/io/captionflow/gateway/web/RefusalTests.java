package io.captionflow.gateway.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refusal written to a response: an RFC 9457 body whose members come in the order every
 * problem of the gateway has them, {@code retryAfter} only when waiting helps.
 */
class RefusalTests {

	@Test
	void aRefusalThatWaitingLiftsCarriesRetryAfterInTheBodyAndTheHeader() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.put("/api/videos/v1"));
		new Refusal(HttpStatus.TOO_MANY_REQUESTS, "Too many writes", "over 10 writes a second", Duration.ofMillis(1200))
			.write(exchange)
			.block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
		assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5)))
			.isEqualTo("{\"type\":\"about:blank\",\"title\":\"Too many writes\",\"status\":429,"
					+ "\"detail\":\"over 10 writes a second\",\"instance\":\"/api/videos/v1\",\"retryAfter\":2}");
	}

	@Test
	void aRefusalThatWaitingDoesNotLiftHasNoRetryAfter() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/events"));
		Refusal.of(HttpStatus.FORBIDDEN, "Origin not allowed", null).write(exchange).block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
		assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5)))
			.isEqualTo("{\"type\":\"about:blank\",\"title\":\"Origin not allowed\",\"status\":403,\"detail\":null,"
					+ "\"instance\":\"/api/events\"}");
	}

}
