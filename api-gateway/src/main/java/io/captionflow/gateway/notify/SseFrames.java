package io.captionflow.gateway.notify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.captionflow.events.EventJson;
import io.captionflow.events.VideoNotification;

import org.jspecify.annotations.Nullable;

/**
 * The frames of the {@code text/event-stream} format as they go on the wire: a frame is
 * encoded once, and every client's buffer wraps the same bytes. Fields are written
 * without a space after the colon; a value with line breaks becomes one line per line,
 * which the client joins again with line feeds.
 */
final class SseFrames {

	/** The name of the event of one notification. */
	static final String NOTIFICATION_EVENT = "video-stats-updated";

	/** The name of the event telling a client to fetch everything again. */
	static final String RESET_EVENT = "reset";

	/** Why a client is reset: the log went back, and its epoch changed. */
	static final String EPOCH_CHANGED = "epoch-changed";

	/** Why a client is reset: its id is of another epoch, or a bare legacy number. */
	static final String OTHER_EPOCH = "other-epoch";

	/** Why a client is reset: the log no longer holds everything after its id. */
	static final String PRUNED = "pruned";

	/** Why a client is reset: it is more than the replay limit behind. */
	static final String TOO_FAR_BEHIND = "too-far-behind";

	/** Why a client is reset: its id is ahead of the log, which never numbered it. */
	static final String UNKNOWN_ID = "unknown-id";

	private SseFrames() {
	}

	/**
	 * The event of one notification: its id the epoch and the notification's number, its
	 * data the notification as JSON.
	 * @param id the event id: the log's epoch and the notification's number
	 * @param notification the notification
	 * @return the bytes
	 */
	static byte[] notification(EventId id, VideoNotification notification) {
		return event(id.toString(), NOTIFICATION_EVENT,
				new String(EventJson.write(notification), StandardCharsets.UTF_8));
	}

	/**
	 * The {@code reset} event: the client cannot be given what it missed, so it fetches
	 * everything again and follows on after {@code newest}, the event's id.
	 * @param newest the epoch and newest number the client is up to once it fetched
	 * everything: the event's id
	 * @param lastEventId the id the client sent, or null when it is reset as it streams
	 * @param oldestRetained the oldest number the log holds
	 * @param reason why, one of the constants of this class
	 * @return the bytes
	 */
	static byte[] reset(EventId newest, @Nullable EventId lastEventId, long oldestRetained, String reason) {
		// the id was parsed from digits and a dash: nothing to escape
		String sent = (lastEventId != null) ? "\"" + lastEventId + "\"" : "null";
		return event(newest.toString(), RESET_EVENT, "{\"reason\":\"" + reason + "\",\"lastEventId\":" + sent
				+ ",\"oldestRetained\":" + oldestRetained + ",\"newest\":" + newest.number() + "}");
	}

	/**
	 * The comment sent at once on connect, with the client's reconnection delay: no
	 * headers reach the client before the first bytes.
	 * @param retry how long the client waits before it reconnects
	 * @return the bytes
	 */
	static byte[] connected(Duration retry) {
		return (":connected\nretry:" + retry.toMillis() + "\n\n").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The heartbeat comment that keeps proxies from closing an idle stream.
	 * @return the bytes
	 */
	static byte[] heartbeat() {
		return comment("heartbeat");
	}

	/**
	 * One event.
	 * @param id the event id, one line
	 * @param name the event name, one line
	 * @param data the data; a line break (CR, LF or CRLF) starts another {@code data:}
	 * line
	 * @return the bytes
	 */
	static byte[] event(String id, String name, String data) {
		if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0 || id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
			// it would end the field early and start one the server never meant
			throw new IllegalArgumentException("an event name or id is one line");
		}
		StringBuilder frame = new StringBuilder(data.length() + name.length() + 40);
		frame.append("id:").append(id).append("\nevent:").append(name).append('\n');
		lines(frame, "data:", data);
		return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A comment, which clients ignore.
	 * @param text the comment; a line break starts another comment line
	 * @return the bytes
	 */
	static byte[] comment(String text) {
		StringBuilder frame = new StringBuilder(text.length() + 4);
		lines(frame, ":", text);
		return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void lines(StringBuilder frame, String field, String value) {
		int start = 0;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '\n' || c == '\r') {
				frame.append(field).append(value, start, i).append('\n');
				if (c == '\r' && i + 1 < value.length() && value.charAt(i + 1) == '\n') {
					i++;
				}
				start = i + 1;
			}
		}
		frame.append(field).append(value, start, value.length()).append('\n');
	}

}
