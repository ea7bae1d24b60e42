package io.captionflow.gateway.admission;

import java.util.stream.Collectors;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * A request's path as routing and security match it: percent-decoded, segment by segment.
 * The limits compare this one, so that {@code /%61pi/videos} is throttled like
 * {@code /api/videos}.
 */
final class RequestPaths {

	private RequestPaths() {
	}

	/**
	 * The decoded path within the application.
	 * @param request the request
	 * @return the path, each segment decoded, path parameters left out
	 */
	static String decoded(ServerHttpRequest request) {
		return request.getPath()
			.pathWithinApplication()
			.elements()
			.stream()
			.map((element) -> (element instanceof PathContainer.PathSegment segment) ? segment.valueToMatch()
					: element.value())
			.collect(Collectors.joining());
	}

}
