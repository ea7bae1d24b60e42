package io.captionflow.gateway.webhook;

import java.util.Locale;
import java.util.Map;

import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.InvalidRequestException;
import io.captionflow.gateway.PlainText;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job-status webhook body, in either shape external systems send:
 * <ul>
 * <li>the seed payload {@code {videoId, flowName, status: started|complete|error,
 * error?}};</li>
 * <li>a Prefect automation payload {@code {flowRunId, flowName, state, parameters:
 * {video_id}}}, its {@code state} a state name ({@code "Completed"}), a state type
 * ({@code "COMPLETED"}) or a state object ({@code {type, name, message}}).</li>
 * </ul>
 * Prefect states map by their type: Scheduled and Pending are {@code queued}, Running is
 * {@code started}, Completed is {@code complete}; Failed, Crashed and Cancelled are
 * {@code error} with the state as the reason (a cancelled run did not complete); a type
 * may come as Prefect's enum prints it ({@code StateType.COMPLETED}). Paused and
 * Cancelling change nothing yet: such a webhook is accepted and recorded nowhere.
 *
 * @param videoId the video
 * @param flowName the flow or job
 * @param status the new status, or null when the webhook changes no status
 * @param error the reason, for {@code error}
 * @param describe what the webhook said, for the response message
 */
record WebhookPayload(String videoId, String flowName, VideoNotification.Status status, String error, String describe) {

	private static final int MAX_ID = 64;

	private static final int MAX_NAME = 200;

	private static final int MAX_ERROR = 2000;

	private static final String STATE_TYPE_ENUM = "statetype.";

	/** Prefect state names and types, by the state type they belong to. */
	private static final Map<String, String> PREFECT_STATE_TYPES = Map.ofEntries(Map.entry("scheduled", "SCHEDULED"),
			Map.entry("late", "SCHEDULED"), Map.entry("awaitingretry", "SCHEDULED"),
			Map.entry("awaitingconcurrencyslot", "SCHEDULED"), Map.entry("pending", "PENDING"),
			Map.entry("running", "RUNNING"), Map.entry("retrying", "RUNNING"), Map.entry("completed", "COMPLETED"),
			Map.entry("cached", "COMPLETED"), Map.entry("failed", "FAILED"), Map.entry("crashed", "CRASHED"),
			Map.entry("cancelled", "CANCELLED"), Map.entry("cancelling", "CANCELLING"), Map.entry("paused", "PAUSED"),
			Map.entry("suspended", "PAUSED"));

	/**
	 * Reads a body.
	 * @param json the JSON reader
	 * @param body the body
	 * @return the payload
	 * @throws InvalidRequestException naming the field at fault
	 */
	static WebhookPayload read(JsonMapper json, byte[] body) {
		JsonNode root;
		try {
			root = json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new InvalidRequestException("body", "is not valid JSON: " + firstLine(ex.getOriginalMessage()));
		}
		if (root == null || !root.isObject()) {
			throw new InvalidRequestException("body", "must be a JSON object");
		}
		return root.has("status") ? seed(root) : prefect(root);
	}

	private static WebhookPayload seed(JsonNode root) {
		String videoId = text(root, "videoId", MAX_ID, true);
		String flowName = text(root, "flowName", MAX_NAME, true);
		String wire = text(root, "status", 32, true);
		VideoNotification.Status status = switch (wire) {
			case "started" -> VideoNotification.Status.STARTED;
			case "complete" -> VideoNotification.Status.COMPLETE;
			case "error" -> VideoNotification.Status.ERROR;
			default -> throw new InvalidRequestException("status", "must be one of started, complete, error");
		};
		String error = text(root, "error", MAX_ERROR, false);
		return new WebhookPayload(videoId, flowName, status,
				(status == VideoNotification.Status.ERROR) ? ((error != null) ? error : "failed") : null,
				flowName + " " + wire);
	}

	private static WebhookPayload prefect(JsonNode root) {
		if (!root.has("state")) {
			throw new InvalidRequestException("status",
					"is required (or state, with flowRunId and parameters.video_id, for a Prefect automation)");
		}
		String flowName = text(root, "flowName", MAX_NAME, true);
		String flowRunId = text(root, "flowRunId", MAX_NAME, true);
		JsonNode parameters = root.get("parameters");
		String videoId = (parameters != null && parameters.isObject()) ? text(parameters, "video_id", MAX_ID, false)
				: null;
		if (videoId == null) {
			videoId = text(root, "videoId", MAX_ID, false);
		}
		if (videoId == null) {
			throw new InvalidRequestException("parameters.video_id", "is required");
		}
		JsonNode state = root.get("state");
		String stateName;
		String stateMessage = null;
		if (state.isObject()) {
			String type = withoutEnumName(text(state, "type", MAX_NAME, false));
			stateName = (type != null) ? type : text(state, "name", MAX_NAME, false);
			String name = text(state, "name", MAX_NAME, false);
			stateMessage = text(state, "message", MAX_ERROR, false);
			if (name != null && type != null && !name.equalsIgnoreCase(type)) {
				stateMessage = (stateMessage != null) ? name + ": " + stateMessage : name;
			}
		}
		else if (state.isString()) {
			stateName = withoutEnumName(state.asString());
		}
		else {
			stateName = null;
		}
		if (stateName == null || stateName.isBlank()) {
			throw new InvalidRequestException("state", "must be a Prefect state name, type or object");
		}
		String type = PREFECT_STATE_TYPES.get(stateName.strip().replace("_", "").toLowerCase(Locale.ROOT));
		if (type == null) {
			throw new InvalidRequestException("state", "'" + stateName + "' is not a Prefect state");
		}
		String describe = "Prefect flow run " + flowRunId + " of " + flowName + " is " + stateName;
		String reason = "Prefect flow run " + flowRunId + " " + type.toLowerCase(Locale.ROOT)
				+ ((stateMessage != null) ? ": " + stateMessage : "");
		VideoNotification.Status status = switch (type) {
			case "SCHEDULED", "PENDING" -> VideoNotification.Status.QUEUED;
			case "RUNNING" -> VideoNotification.Status.STARTED;
			case "COMPLETED" -> VideoNotification.Status.COMPLETE;
			case "FAILED", "CRASHED", "CANCELLED" -> VideoNotification.Status.ERROR;
			default -> null;
		};
		return new WebhookPayload(videoId, flowName, status,
				(status == VideoNotification.Status.ERROR) ? truncate(reason, MAX_ERROR) : null, describe);
	}

	private static String text(JsonNode node, String field, int maxLength, boolean required) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			if (required) {
				throw new InvalidRequestException(field, "is required");
			}
			return null;
		}
		if (!value.isString()) {
			throw new InvalidRequestException(field, "must be a string");
		}
		String text = value.asString();
		if (required && text.isBlank()) {
			throw new InvalidRequestException(field, "must not be blank");
		}
		if (text.length() > maxLength) {
			throw new InvalidRequestException(field, "must be at most " + maxLength + " characters");
		}
		// a reason may run over lines; an id or a name is one line
		boolean lines = maxLength == MAX_ERROR;
		if (text.chars()
			.anyMatch((c) -> Character.isISOControl(c) && !(lines && (c == '\n' || c == '\r' || c == '\t')))) {
			throw new InvalidRequestException(field, lines ? PlainText.LINES_MESSAGE : PlainText.SINGLE_LINE_MESSAGE);
		}
		return text;
	}

	/**
	 * A state type as Prefect's enum prints it, {@code StateType.COMPLETED}, as the type:
	 * what a template's bare {@code {{ flow_run.state.type }}} renders.
	 */
	private static String withoutEnumName(String type) {
		return (type != null && type.regionMatches(true, 0, STATE_TYPE_ENUM, 0, STATE_TYPE_ENUM.length()))
				? type.substring(STATE_TYPE_ENUM.length()) : type;
	}

	private static String truncate(String text, int maxLength) {
		return (text.length() <= maxLength) ? text : text.substring(0, maxLength);
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "";
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline);
	}

}
