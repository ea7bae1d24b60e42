package io.captionflow.gateway.web;

import java.util.Locale;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Adds a {@code Server-Timing: app;dur=<ms>} header to every API response: the time from
 * the request reaching the gateway to its response headers being written. Browsers show
 * it in their network panel; the save benchmark reads it to tell server time from network
 * and client time.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ServerTiming implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!exchange.getRequest().getPath().value().startsWith("/api/")
				|| exchange.getRequest().getPath().value().startsWith("/api/events/")) {
			return chain.filter(exchange);
		}
		long start = System.nanoTime();
		exchange.getResponse().beforeCommit(() -> {
			double millis = (System.nanoTime() - start) / 1e6;
			exchange.getResponse()
				.getHeaders()
				.add("Server-Timing", String.format(Locale.ROOT, "app;dur=%.2f", millis));
			return Mono.empty();
		});
		return chain.filter(exchange);
	}

}
