package io.captionflow.gateway.admission;

import java.time.Duration;
import java.util.Locale;

import io.captionflow.gateway.web.Refusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Limits the rate of writes (POST, PUT, PATCH and DELETE under {@code /api/}, and
 * {@code /logout}), of webhook requests ({@code /api/webhooks/**}) and of sign-ins per
 * client address, each with a token bucket of its own; reads are not limited here. A
 * request over the rate is answered 429 with the time until the next one would pass as
 * {@code Retry-After}, before anything else runs for it (security included: an
 * unauthenticated flood is cut early), and counted in
 * {@code captionflow.requests.throttled}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class RequestRateLimit implements WebFilter {

	private final Kind writes;

	private final Kind webhooks;

	private final Kind signIns;

	RequestRateLimit(AdmissionProperties properties, MeterRegistry meters) {
		this.writes = new Kind("write", "writes", properties.writes(), meters);
		this.webhooks = new Kind("webhook", "webhook requests", properties.webhooks(), meters);
		this.signIns = new Kind("sign-in", "sign-ins", properties.signIns().rate(), meters);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Kind kind = kind(exchange.getRequest());
		if (kind == null) {
			return chain.filter(exchange);
		}
		long wait = kind.limiter.acquire(ClientAddress.of(exchange.getRequest().getRemoteAddress()));
		if (wait == 0) {
			return chain.filter(exchange);
		}
		kind.throttled.increment();
		return new Refusal(
				HttpStatus.TOO_MANY_REQUESTS, "Too many requests", String.format(Locale.ROOT,
						"more than %s %s a second from one address", rate(kind.limiter.perSecond()), kind.what),
				Duration.ofNanos(wait))
			.write(exchange);
	}

	private @Nullable Kind kind(ServerHttpRequest request) {
		String path = RequestPaths.decoded(request);
		if (path.startsWith("/api/webhooks/")) {
			return this.webhooks;
		}
		// each sign-in makes a session: a bucket of its own, so that nobody fills the
		// session store
		if (path.startsWith("/oauth2/authorization/") || path.startsWith("/login/oauth2/code/")) {
			return this.signIns;
		}
		HttpMethod method = request.getMethod();
		boolean write = HttpMethod.POST.equals(method) || HttpMethod.PUT.equals(method)
				|| HttpMethod.PATCH.equals(method) || HttpMethod.DELETE.equals(method);
		return (write && (path.startsWith("/api/") || path.equals("/logout"))) ? this.writes : null;
	}

	private static String rate(double perSecond) {
		return (perSecond == Math.rint(perSecond)) ? Long.toString((long) perSecond) : Double.toString(perSecond);
	}

	private static final class Kind {

		private final String what;

		private final RateLimiter limiter;

		private final Counter throttled;

		Kind(String tag, String what, AdmissionProperties.Rate rate, MeterRegistry meters) {
			this.what = what;
			this.limiter = new RateLimiter(rate.perSecond(), rate.burst(), rate.maxAddresses(), System::nanoTime);
			this.throttled = Counter.builder("captionflow.requests.throttled")
				.description("Requests refused with 429 for going over their address's rate")
				.tag("kind", tag)
				.register(meters);
			Gauge.builder("captionflow.requests.rate.addresses", this.limiter, RateLimiter::addresses)
				.description("Client addresses whose rate is being tracked")
				.tag("kind", tag)
				.register(meters);
		}

	}

}
