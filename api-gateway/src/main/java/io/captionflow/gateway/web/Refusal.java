package io.captionflow.gateway.web;

import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * A request refused before any handler runs (by the abuse limits or the security layer):
 * an RFC 9457 problem body naming what is wrong, written straight to the response (a
 * refused event stream asked for {@code text/event-stream}, which a problem is not, so
 * this does not go through content negotiation), with {@code Retry-After} when trying
 * again later helps.
 *
 * @param status the status, such as 429 or 503
 * @param title the problem's title
 * @param detail what is wrong, or what was over which limit
 * @param retryAfter when to try again, or null when waiting would not help
 */
public record Refusal(HttpStatus status, String title, String detail, @Nullable Duration retryAfter) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * A refusal that waiting would not lift.
	 * @param status the status
	 * @param title the problem's title
	 * @param detail what is wrong
	 * @return the refusal
	 */
	public static Refusal of(HttpStatus status, String title, String detail) {
		return new Refusal(status, title, detail, null);
	}

	/**
	 * Writes the refusal as the exchange's response.
	 * @param exchange the refused exchange, whose response is not committed yet
	 * @return completes when written
	 */
	public Mono<Void> write(ServerWebExchange exchange) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(this.status);
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		Long retryAfterSeconds = (this.retryAfter != null) ? retryAfterSeconds() : null;
		if (retryAfterSeconds != null) {
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
		}
		headers.setCacheControl("no-store");
		// refusals of the abuse limits are written before the security layer, which adds
		// these to every other response
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
		Problem problem = new Problem("about:blank", this.title, this.status.value(), this.detail,
				exchange.getRequest().getPath().value(), retryAfterSeconds);
		byte[] body = JSON.writeValueAsBytes(problem);
		headers.setContentLength(body.length);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

	/**
	 * {@code Retry-After} in whole seconds, rounded up, at least one.
	 * @return seconds
	 * @throws IllegalStateException when waiting would not help
	 */
	public long retryAfterSeconds() {
		Duration wait = this.retryAfter;
		if (wait == null) {
			throw new IllegalStateException("waiting would not lift this refusal");
		}
		long millis = wait.toMillis();
		return Math.max(1, (millis + 999) / 1000);
	}

	/**
	 * The RFC 9457 body of a refusal, its members in the order every problem of the
	 * gateway has them.
	 *
	 * @param type always {@code about:blank}
	 * @param title the title
	 * @param status the status code
	 * @param detail what is wrong
	 * @param instance the path refused
	 * @param retryAfter seconds to wait, left out when waiting would not help
	 */
	@JsonPropertyOrder({ "type", "title", "status", "detail", "instance", "retryAfter" })
	private record Problem(String type, String title, int status, String detail, String instance,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long retryAfter) {
	}

}
