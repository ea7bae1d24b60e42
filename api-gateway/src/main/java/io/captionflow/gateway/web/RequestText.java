package io.captionflow.gateway.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;

/**
 * What the gateway reads of a request before any handler: ids in paths and query
 * parameters never hold control characters (PostgreSQL refuses NUL, logs would split on a
 * newline), so a request with one is answered 400 at once, naming the parameter; and
 * request bodies are JSON read strictly: a key given twice is an error, not a silent
 * choice of the last.
 */
@Configuration(proxyBeanMethods = false)
class RequestText {

	@Bean
	JsonMapperBuilderCustomizer strictJson() {
		return (builder) -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 5)
	WebFilter controlCharactersInUrls(JsonMapper json) {
		return (exchange, chain) -> {
			String problem = controlCharacters(exchange.getRequest());
			return (problem != null) ? refuse(exchange, json, problem) : chain.filter(exchange);
		};
	}

	private static @Nullable String controlCharacters(ServerHttpRequest request) {
		String path = request.getURI().getPath();
		if (path != null && hasControl(path)) {
			return "path";
		}
		for (Map.Entry<String, List<String>> parameter : request.getQueryParams().entrySet()) {
			if (hasControl(parameter.getKey()) || parameter.getValue().stream().anyMatch(RequestText::hasControl)) {
				return hasControl(parameter.getKey()) ? "query" : parameter.getKey();
			}
		}
		return null;
	}

	private static boolean hasControl(@Nullable String text) {
		return text != null && text.chars().anyMatch(Character::isISOControl);
	}

	private static Mono<Void> refuse(ServerWebExchange exchange, JsonMapper json, String field) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				field + " must not contain control characters");
		problem.setTitle("Invalid request");
		problem.setProperty("errors",
				List.of(new ApiErrors.InvalidField(field, "must not contain control characters")));
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.BAD_REQUEST);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		DataBuffer body = response.bufferFactory()
			.wrap(json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(body));
	}

}
