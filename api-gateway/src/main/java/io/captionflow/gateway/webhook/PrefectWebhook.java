package io.captionflow.gateway.webhook;

import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.web.InvalidRequestException;
import io.captionflow.gateway.webhook.FieldRules.Line;
import io.captionflow.gateway.webhook.FieldRules.Lines;
import io.captionflow.gateway.webhook.FieldRules.RequiredLine;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A Prefect automation's webhook: {@code {flowRunId, flowName, state, parameters:
 * {video_id}}}, the video named in the flow run's parameters or, failing that, by a
 * top-level {@code videoId}. Its {@code state} is a state name ({@code "Completed"}), a
 * state type ({@code "COMPLETED"}) or a state object ({@code {type, name, message}}).
 * Other fields are ignored.
 * <p>
 * States map by their type: Scheduled and Pending are {@code queued}, Running is
 * {@code started}, Completed is {@code complete}; Failed, Crashed and Cancelled are
 * {@code error} with the state as the reason (a cancelled run did not complete); a type
 * may come as Prefect's enum prints it ({@code StateType.COMPLETED}). Paused and
 * Cancelling change nothing yet: such a webhook is accepted and recorded nowhere.
 *
 * @param flowName the flow
 * @param flowRunId the flow run
 * @param parameters the flow run's parameters, null when absent or not an object
 * @param videoId the video, read only when the parameters do not name it
 * @param state the state, null when absent or neither a string nor an object
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record PrefectWebhook(@RequiredLine(max = FieldRules.MAX_NAME) String flowName,
		@RequiredLine(max = FieldRules.MAX_NAME) String flowRunId,
		@JsonDeserialize(using = ObjectOrNone.class) @Nullable Parameters parameters,
		@Line(max = FieldRules.MAX_ID) @Nullable String videoId,
		@JsonDeserialize(using = NameOrObject.class) @Nullable State state) {

	private static final String STATE_TYPE_ENUM = "statetype.";

	/** Prefect state names and types, by the state type they belong to. */
	private static final Map<String, String> STATE_TYPES = Map.ofEntries(Map.entry("scheduled", "SCHEDULED"),
			Map.entry("late", "SCHEDULED"), Map.entry("awaitingretry", "SCHEDULED"),
			Map.entry("awaitingconcurrencyslot", "SCHEDULED"), Map.entry("pending", "PENDING"),
			Map.entry("running", "RUNNING"), Map.entry("retrying", "RUNNING"), Map.entry("completed", "COMPLETED"),
			Map.entry("cached", "COMPLETED"), Map.entry("failed", "FAILED"), Map.entry("crashed", "CRASHED"),
			Map.entry("cancelled", "CANCELLED"), Map.entry("cancelling", "CANCELLING"), Map.entry("paused", "PAUSED"),
			Map.entry("suspended", "PAUSED"));

	/**
	 * Whether the parameters name the video, so that the top-level {@code videoId} is not
	 * read.
	 * @return true when {@code parameters.video_id} is given
	 */
	boolean parametersNameTheVideo() {
		return this.parameters != null && this.parameters.videoId() != null;
	}

	/**
	 * The video: {@code parameters.video_id}, else the top-level {@code videoId}.
	 * @return the video id, null when neither is given
	 */
	@Nullable String video() {
		Parameters given = this.parameters;
		String named = (given != null) ? given.videoId() : null;
		return (named != null) ? named : this.videoId;
	}

	/**
	 * What the webhook says, once its fields are checked and its video is known.
	 * @return the payload
	 * @throws InvalidRequestException when the state is missing or not a Prefect state
	 */
	WebhookPayload payload() {
		State state = this.state;
		String name = (state != null) ? state.label() : null;
		if (state == null || name == null || name.isBlank()) {
			throw new InvalidRequestException("state", "must be a Prefect state name, type or object");
		}
		String type = STATE_TYPES.get(name.strip().replace("_", "").toLowerCase(Locale.ROOT));
		if (type == null) {
			throw new InvalidRequestException("state", "'" + name + "' is not a Prefect state");
		}
		String detail = state.detail();
		String describe = "Prefect flow run " + this.flowRunId + " of " + this.flowName + " is " + name;
		String reason = "Prefect flow run " + this.flowRunId + " " + type.toLowerCase(Locale.ROOT)
				+ ((detail != null) ? ": " + detail : "");
		VideoNotification.Status status = switch (type) {
			case "SCHEDULED", "PENDING" -> VideoNotification.Status.QUEUED;
			case "RUNNING" -> VideoNotification.Status.STARTED;
			case "COMPLETED" -> VideoNotification.Status.COMPLETE;
			case "FAILED", "CRASHED", "CANCELLED" -> VideoNotification.Status.ERROR;
			default -> null;
		};
		// the reader refuses a webhook naming no video before it asks for the payload
		String video = video();
		if (video == null) {
			throw new InvalidRequestException("parameters.video_id", "is required");
		}
		return new WebhookPayload(video, this.flowName, status,
				(status == VideoNotification.Status.ERROR) ? truncate(reason, FieldRules.MAX_REASON) : null, describe);
	}

	/**
	 * A state type as Prefect's enum prints it, {@code StateType.COMPLETED}, as the type:
	 * what a template's bare {@code {{ flow_run.state.type }}} renders.
	 */
	private static @Nullable String withoutEnumName(@Nullable String type) {
		return (type != null && type.regionMatches(true, 0, STATE_TYPE_ENUM, 0, STATE_TYPE_ENUM.length()))
				? type.substring(STATE_TYPE_ENUM.length()) : type;
	}

	private static String truncate(String text, int maxLength) {
		return (text.length() <= maxLength) ? text : text.substring(0, maxLength);
	}

	/**
	 * The flow run's parameters, of which only the video is read.
	 *
	 * @param videoId {@code video_id}, the video
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Parameters(@JsonProperty("video_id") @Line(max = FieldRules.MAX_ID) @Nullable String videoId) {
	}

	/**
	 * A flow run's state, as a name or type on its own or as an object.
	 */
	sealed interface State permits Named, Detailed {

		/**
		 * What the state is called: its type, else its name.
		 * @return the name or type it is looked up by and described as, null when it has
		 * neither
		 */
		@Nullable String label();

		/**
		 * What the state says beyond its type: its name when that is not the type, and
		 * its message.
		 * @return the detail, null when there is none
		 */
		@Nullable String detail();

	}

	/**
	 * A state given as a string: looked up as it is, neither bounded nor held to one line
	 * (an unknown one is refused naming it).
	 *
	 * @param name the state name or type
	 */
	record Named(@Nullable String name) implements State {

		@Override
		public @Nullable String label() {
			return withoutEnumName(this.name);
		}

		@Override
		public @Nullable String detail() {
			return null;
		}

	}

	/**
	 * A state given as Prefect's state object.
	 *
	 * @param type the state type, such as {@code COMPLETED}
	 * @param name the state name, such as {@code Cached}
	 * @param message the state's message; lines are allowed
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Detailed(@Line(max = FieldRules.MAX_NAME) @Nullable String type,
			@Line(max = FieldRules.MAX_NAME) @Nullable String name,
			@Lines(max = FieldRules.MAX_REASON) @Nullable String message) implements State {

		@Override
		public @Nullable String label() {
			String type = withoutEnumName(this.type);
			return (type != null) ? type : this.name;
		}

		@Override
		public @Nullable String detail() {
			String type = withoutEnumName(this.type);
			if (this.name != null && type != null && !this.name.equalsIgnoreCase(type)) {
				return (this.message != null) ? this.name + ": " + this.message : this.name;
			}
			return this.message;
		}

	}

	/** Reads parameters that are an object; any other value names no video. */
	static final class ObjectOrNone extends ValueDeserializer<Parameters> {

		@Override
		public @Nullable Parameters deserialize(JsonParser parser, DeserializationContext context) {
			if (parser.hasToken(JsonToken.START_OBJECT)) {
				return context.readValue(parser, Parameters.class);
			}
			parser.skipChildren();
			return null;
		}

	}

	/**
	 * Reads a state given as a string or an object; any other value is no state, which
	 * the payload refuses.
	 */
	static final class NameOrObject extends ValueDeserializer<State> {

		@Override
		public @Nullable State deserialize(JsonParser parser, DeserializationContext context) {
			if (parser.hasToken(JsonToken.VALUE_STRING)) {
				return new Named(parser.getString());
			}
			if (parser.hasToken(JsonToken.START_OBJECT)) {
				return context.readValue(parser, Detailed.class);
			}
			parser.skipChildren();
			return null;
		}

	}

}
