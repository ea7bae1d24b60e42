package io.captionflow.gateway.admission;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * The HTTP server's timeouts: the {@link HeaderReadTimeout header read timeout} on every
 * HTTP/1.1 connection, and Reactor Netty's idle timeout, which runs only between requests
 * of a keep-alive connection (from its opening, or the end of a response, to the next
 * request's headers): a request in progress, such as an event stream that goes quiet
 * between heartbeats, is never idle. Connections closed at the header read timeout are
 * counted in {@code captionflow.http.header-timeouts}.
 */
@Component
class ConnectionTimeouts implements NettyServerCustomizer {

	private static final String HANDLER = "captionflow.HeaderReadTimeout";

	private final AdmissionProperties.Timeouts timeouts;

	private final Counter headerTimeouts;

	ConnectionTimeouts(AdmissionProperties properties, MeterRegistry meters) {
		this.timeouts = properties.timeouts();
		this.headerTimeouts = Counter.builder("captionflow.http.header-timeouts")
			.description("Connections closed for not sending a request's headers in time")
			.register(meters);
	}

	@Override
	public HttpServer apply(HttpServer server) {
		HttpServer configured = server;
		if (positive(this.timeouts.idle())) {
			configured = configured.idleTimeout(this.timeouts.idle());
		}
		if (positive(this.timeouts.bodyRead())) {
			// from the headers to the body's last byte; a request without a body (an
			// event stream's) is read whole at once
			configured = configured.requestTimeout(this.timeouts.bodyRead());
		}
		Duration headerRead = this.timeouts.headerRead();
		if (positive(headerRead)) {
			configured = configured.doOnChannelInit((observer, channel, remoteAddress) -> {
				ChannelPipeline pipeline = channel.pipeline();
				// HTTP/1.1 only: the codec then the traffic handler
				if (pipeline.get(NettyPipeline.HttpCodec) != null
						&& pipeline.get(NettyPipeline.HttpTrafficHandler) != null) {
					HeaderReadTimeout timeout = new HeaderReadTimeout(headerRead, this.headerTimeouts::increment);
					pipeline.addBefore(NettyPipeline.HttpCodec, HANDLER + ".bytes", timeout.bytes());
					pipeline.addBefore(NettyPipeline.HttpTrafficHandler, HANDLER, timeout);
				}
			});
		}
		return configured;
	}

	private static boolean positive(Duration duration) {
		return duration != null && !duration.isZero() && !duration.isNegative();
	}

}
