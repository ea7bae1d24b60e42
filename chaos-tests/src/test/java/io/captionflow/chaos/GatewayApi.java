package io.captionflow.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the harness asks a gateway over its public API: captions as they stand, the
 * notification log, and saves.
 */
final class GatewayApi {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http;

	GatewayApi(HttpClient http) {
		this.http = http;
	}

	record CaptionState(String videoId, long id, int start, int end, String status, long revision) {

		boolean settled() {
			return "completed".equals(this.status) || "error".equals(this.status);
		}

	}

	record LogEntry(long id, String videoId, Long captionId, String flowName, String status, String error,
			String source) {

		String fingerprint() {
			return this.videoId + "/" + ((this.captionId != null) ? this.captionId : "null") + "/" + this.flowName + "/"
					+ this.status;
		}

	}

	List<CaptionState> captions(int port, String videoId) throws IOException, InterruptedException {
		JsonNode page = get(port, "/api/videos/" + videoId + "/captions?size=1000");
		List<CaptionState> captions = new ArrayList<>();
		for (JsonNode caption : page.get("content")) {
			captions.add(new CaptionState(videoId, caption.get("id").asLong(), caption.get("startFrameIndex").asInt(),
					caption.get("endFrameIndex").asInt(), caption.get("captionOcrStatus").asString(),
					caption.get("revision").asLong()));
		}
		return captions;
	}

	/**
	 * The notification log as one epoch holds it.
	 *
	 * @param epoch the epoch its numbers count within
	 * @param entries the notifications in number order
	 */
	record Log(long epoch, List<LogEntry> entries) {

	}

	/**
	 * The whole notification log after {@code after}, in id order, read again from the
	 * start should its epoch change between pages.
	 */
	Log notifications(int port, long after) throws IOException, InterruptedException {
		List<LogEntry> entries = new ArrayList<>();
		long next = after;
		long epoch = -1;
		while (true) {
			JsonNode page = get(port, "/api/flow-notifications?after=" + next + "&limit=1000");
			long pageEpoch = page.get("epoch").asLong();
			if (epoch >= 0 && pageEpoch != epoch) {
				entries.clear();
				next = after;
				epoch = -1;
				continue;
			}
			epoch = pageEpoch;
			for (JsonNode record : page.get("content")) {
				JsonNode captionId = record.get("captionId");
				JsonNode flowName = record.get("flowName");
				entries.add(new LogEntry(record.get("id").asLong(), record.get("videoId").asString(),
						(captionId == null || captionId.isNull()) ? null : captionId.asLong(), flowName.asString(),
						record.get("status").asString(), (record.get("error") == null || record.get("error").isNull())
								? "" : record.get("error").asString(),
						record.get("source").asString()));
			}
			long following = page.get("next").asLong();
			if (following == next) {
				return new Log(epoch, entries);
			}
			next = following;
		}
	}

	/** The log's epoch and its newest number. */
	EventIds.Id newestNotification(int port) throws IOException, InterruptedException {
		JsonNode page = get(port, "/api/flow-notifications?after=0&limit=1");
		return new EventIds.Id(page.get("epoch").asLong(), page.get("newest").asLong());
	}

	/**
	 * Saves a caption's extents unchanged (confirmed), which queues its OCR again.
	 * @return the revision the answer gives, or -1 when the save was not answered 200
	 */
	long save(int port, CaptionState caption) {
		String body = "{\"startFrameIndex\":" + caption.start() + ",\"endFrameIndex\":" + caption.end()
				+ ",\"state\":\"confirmed\"}";
		try {
			HttpResponse<String> answer = this.http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/videos/" + caption.videoId() + "/captions/"
						+ caption.id() + "/extents"))
				.timeout(Duration.ofSeconds(10))
				.header("Content-Type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (answer.statusCode() != 200) {
				return -1;
			}
			return JSON.readTree(answer.body()).get("caption").get("revision").asLong();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	/**
	 * Posts job-status webhooks, each a notification, eight at a time: {@code error}
	 * statuses, each with a reason of {@code reasonLength} characters.
	 * @return how many were answered 200
	 */
	int webhooks(int port, String videoId, int count, int reasonLength) throws InterruptedException {
		java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
		java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(8);
		String reason = "x".repeat(reasonLength);
		for (int i = 0; i < count; i++) {
			inFlight.acquire();
			String body = "{\"videoId\":\"" + videoId
					+ "\",\"flowName\":\"chaos-burst\",\"status\":\"error\",\"error\":\"" + reason + "\"}";
			this.http
				.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/webhooks/prefect"))
					.timeout(Duration.ofSeconds(10))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(body))
					.build(), HttpResponse.BodyHandlers.discarding())
				.whenComplete((response, failure) -> {
					if (response != null && response.statusCode() == 200) {
						answered.incrementAndGet();
					}
					inFlight.release();
				});
		}
		inFlight.acquire(8);
		return answered.get();
	}

	private JsonNode get(int port, String path) throws IOException, InterruptedException {
		HttpResponse<String> answer = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(15))
				.build(), HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() != 200) {
			throw new IOException("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
		}
		return JSON.readTree(answer.body());
	}

}
