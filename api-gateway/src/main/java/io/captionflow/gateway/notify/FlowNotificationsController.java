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
 * the following page; {@code epoch} the log's epoch, within which ids count.
 */
@RestController
class FlowNotificationsController {

	private static final int MAX_LIMIT = 1000;

	private final NotificationReader reader;

	private final NotificationEpochs epochs;

	FlowNotificationsController(NotificationReader reader, NotificationEpochs epochs) {
		this.reader = reader;
		this.epochs = epochs;
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
		return Mono.zip(this.epochs.current(), this.reader.span())
			.flatMap((found) -> this.reader.read(after, Long.MAX_VALUE, wanted, limit)
				.collectList()
				.map((records) -> new Page(records, found.getT1().value(), after,
						records.isEmpty() ? after : records.get(records.size() - 1).id(), limit, found.getT2().oldest(),
						found.getT2().newest(),
						// the records after `after` are no longer all there: pruned by
						// retention
						after < found.getT2().oldest() - 1)));
	}

	/**
	 * One page of the log.
	 *
	 * @param content the records after {@code after}, in id order
	 * @param epoch the log's epoch: ids count only within it, so a puller that finds
	 * another epoch than its last page's reads the log again from its start
	 * @param after the id the page follows
	 * @param next the {@code after} of the following page
	 * @param limit the most records in a page
	 * @param oldestRetained the oldest id the log holds
	 * @param newest the newest id the log holds
	 * @param truncated whether some records after {@code after} were pruned by retention
	 */
	record Page(List<VideoNotification> content, long epoch, long after, long next, int limit, long oldestRetained,
			long newest, boolean truncated) {
	}

}
