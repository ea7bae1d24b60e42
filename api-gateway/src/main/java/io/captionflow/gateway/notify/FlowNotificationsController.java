package io.captionflow.gateway.notify;

import java.util.List;
import java.util.Set;

import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.web.InvalidRequestException;
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
	Mono<Page> page(@RequestParam(name = "videoId", required = false) List<String> videoIds,
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
			.flatMap((span) -> this.reader.read(after, Long.MAX_VALUE, wanted, limit)
				.collectList()
				.map((records) -> new Page(records, after,
						records.isEmpty() ? after : records.get(records.size() - 1).id(), limit, span.oldest(),
						span.newest(),
						// the records after `after` are no longer all there: pruned by
						// retention
						after < span.oldest() - 1)));
	}

	/**
	 * One page of the log.
	 *
	 * @param content the records after {@code after}, in id order
	 * @param after the id the page follows
	 * @param next the {@code after} of the following page
	 * @param limit the most records in a page
	 * @param oldestRetained the oldest id the log holds
	 * @param newest the newest id the log holds
	 * @param truncated whether some records after {@code after} were pruned by retention
	 */
	record Page(List<VideoNotification> content, long after, long next, int limit, long oldestRetained, long newest,
			boolean truncated) {
	}

}
