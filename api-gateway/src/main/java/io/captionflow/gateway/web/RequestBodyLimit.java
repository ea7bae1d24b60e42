package io.captionflow.gateway.web;

import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses request bodies over {@code captionflow.gateway.max-request-body} with 413: a
 * declared length over the limit before a byte is read, a chunked body as soon as it
 * passes the limit. The error surfaces where the handler reads the body, so it becomes a
 * problem like every other, and nothing is written.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestBodyLimit implements WebFilter {

	private final long limit;

	RequestBodyLimit(WebProperties properties) {
		this.limit = properties.maxRequestBody().toBytes();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		long declared = request.getHeaders().getContentLength();
		return chain.filter(exchange.mutate().request(new ServerHttpRequestDecorator(request) {
			@Override
			public Flux<DataBuffer> getBody() {
				if (declared > RequestBodyLimit.this.limit) {
					return Flux.error(tooLarge(declared));
				}
				AtomicLong read = new AtomicLong();
				return super.getBody().handle((buffer, sink) -> {
					if (read.addAndGet(buffer.readableByteCount()) > RequestBodyLimit.this.limit) {
						DataBufferUtils.release(buffer);
						sink.error(tooLarge(read.get()));
						return;
					}
					sink.next(buffer);
				});
			}
		}).build());
	}

	private ResponseStatusException tooLarge(long size) {
		return new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE, "the request body is larger than the limit of "
				+ this.limit + " bytes" + ((size > 0) ? " (" + size + " bytes or more)" : ""));
	}

}
