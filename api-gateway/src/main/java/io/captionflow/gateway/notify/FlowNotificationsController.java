package io.captionflow.gateway.notify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.captionflow.gateway.InvalidRequestException;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The notification log as pages of webhook-compatible records, for systems that pull
 * instead of stream: {@code GET /api/flow-notifications?videoId=&after=&limit=}. A page
 * holds the records after {@code after} in id order; {@code next} is the {@code after} of
 * the following page.
 */
@RestController
class FlowNotificationsController {

	private static final int MAX_LIMIT = 1000;

	private final NotificationReader reader;

	FlowNotificationsController(NotificationReader reader) {
		this.reader = reader;
	}

	@GetMapping("/api/flow-notifications")
	Mono<Map<String, Object>> page(@RequestParam(name = "videoId", required = false) List<String> videoIds,
			@RequestParam(name = "after", defaultValue = "0") long after,
			@RequestParam(name = "limit", defaultValue = "100") int limit) {
		if (after < 0) {
			throw new InvalidRequestException("after", "must be 0 or more");
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new InvalidRequestException("limit", "must be between 1 and " + MAX_LIMIT);
		}
		Set<String> wanted = (videoIds != null) ? Set.copyOf(videoIds) : Set.of();
		return this.reader.span()
			.flatMap((span) -> this.reader.read(after, Long.MAX_VALUE, wanted, limit).collectList().map((records) -> {
				Map<String, Object> page = new LinkedHashMap<>();
				page.put("content", records);
				page.put("after", after);
				page.put("next", records.isEmpty() ? after : records.get(records.size() - 1).id());
				page.put("limit", limit);
				page.put("oldestRetained", span.oldest());
				page.put("newest", span.newest());
				// the records after `after` are no longer all there: pruned by retention
				page.put("truncated", after < span.oldest() - 1);
				return page;
			}));
	}

}
