package io.captionflow.gateway.webhook;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.captionflow.gateway.web.InvalidRequestException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * Reads a job-status webhook's body, in either shape external systems send: a
 * {@link StatusWebhook} when it has a {@code status} (even null), else a
 * {@link PrefectWebhook} when it has a {@code state}.
 * <p>
 * The body is bound to its record without refusing anything (a text field holding another
 * JSON type is bound as null and remembered), then checked field by field in a fixed
 * order, a record a field holds where the field is: first its type, then its constraints,
 * in the order {@link FieldRules} gives. The first broken rule is answered, naming the
 * field as the body spells it; so a body with several faults is always told of the same
 * one, the one the checks meet first. Reading is independent of the request's signature,
 * which is checked on the bytes as received, before the body is read.
 */
final class WebhookPayloadReader {

	/**
	 * Binds text fields to JSON strings only. Its own, not the gateway's: a global
	 * setting (a naming strategy, case-insensitive properties) must not change the names
	 * a webhook is read by.
	 */
	private static final JsonMapper BODIES = JsonMapper.builder()
		.addModule(new SimpleModule("webhook-text").addDeserializer(String.class, new StrictText()))
		.build();

	private final JsonMapper json;

	private final ObjectReader statuses = BODIES.readerFor(StatusWebhook.class);

	private final ObjectReader automations = BODIES.readerFor(PrefectWebhook.class);

	private final Validator validator;

	/**
	 * Creates a reader.
	 * @param json the gateway's JSON reader, which bodies are parsed with (a key given
	 * twice is an error)
	 * @param validator the validator the records' constraints are checked with
	 */
	WebhookPayloadReader(JsonMapper json, Validator validator) {
		this.json = json;
		this.validator = validator;
	}

	/**
	 * Reads a body.
	 * @param body the body
	 * @return the payload
	 * @throws InvalidRequestException naming the field at fault
	 */
	WebhookPayload read(byte[] body) {
		JsonNode root = object(body);
		// a status present, even null, makes the body a job status
		if (root.has("status")) {
			Bound<StatusWebhook> status = bind(this.statuses, root);
			check(status, "videoId", "flowName", "status", "error");
			return status.value().payload();
		}
		if (!root.has("state")) {
			throw new InvalidRequestException("status",
					"is required (or state, with flowRunId and parameters.video_id, for a Prefect automation)");
		}
		Bound<PrefectWebhook> automation = bind(this.automations, root);
		// the flow and its run, then the video, then the state
		check(automation, "flowName", "flowRunId", "parameters");
		if (!automation.value().parametersNameTheVideo()) {
			// the fallback is checked only when it is read
			check(automation, "videoId");
		}
		if (automation.value().video() == null) {
			throw new InvalidRequestException("parameters.video_id", "is required");
		}
		check(automation, "state");
		return automation.value().payload();
	}

	private JsonNode object(byte[] body) {
		JsonNode root;
		try {
			root = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new InvalidRequestException("body", "is not valid JSON: " + firstLine(ex.getOriginalMessage()));
		}
		if (root == null || !root.isObject()) {
			throw new InvalidRequestException("body", "must be a JSON object");
		}
		return root;
	}

	private static <T> Bound<T> bind(ObjectReader reader, JsonNode root) {
		WrongTypes wrongTypes = new WrongTypes();
		T value = reader.withAttribute(WrongTypes.class, wrongTypes).readValue(root);
		return new Bound<>(value, wrongTypes);
	}

	private void check(Bound<?> body, String... properties) {
		for (String property : properties) {
			check(body.value(), "", property, body.wrongTypes());
		}
	}

	private void check(Object bean, String parent, String property, WrongTypes wrongTypes) {
		RecordComponent component = component(bean.getClass(), property);
		JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
		String field = (renamed != null) ? renamed.value() : property;
		String pointer = parent + "/" + field;
		if (wrongTypes.at(pointer)) {
			throw new InvalidRequestException(field, "must be a string");
		}
		Set<ConstraintViolation<Object>> broken = this.validator.validateProperty(bean, property,
				FieldRules.InOrder.class);
		if (!broken.isEmpty()) {
			throw new InvalidRequestException(field, FieldRules.first(broken).getMessage());
		}
		if (value(component, bean) instanceof Record held) {
			for (RecordComponent inner : held.getClass().getRecordComponents()) {
				check(held, pointer, inner.getName(), wrongTypes);
			}
		}
	}

	private static RecordComponent component(Class<?> type, String property) {
		for (RecordComponent component : type.getRecordComponents()) {
			if (component.getName().equals(property)) {
				return component;
			}
		}
		throw new IllegalArgumentException(type.getSimpleName() + " has no field " + property);
	}

	private static Object value(RecordComponent component, Object bean) {
		try {
			return component.getAccessor().invoke(bean);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException("cannot read " + component, ex);
		}
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "";
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline);
	}

	/**
	 * A body bound to its record, and where it held another type than a string.
	 */
	private record Bound<T>(T value, WrongTypes wrongTypes) {
	}

	/**
	 * The JSON pointers of the text fields a body gave another type than a string, found
	 * while binding it.
	 */
	private static final class WrongTypes {

		private final Set<String> pointers = new HashSet<>();

		void add(String pointer) {
			this.pointers.add(pointer);
		}

		boolean at(String pointer) {
			return this.pointers.contains(pointer);
		}

	}

	/**
	 * Binds a JSON string as itself and anything else (a number, a boolean, an array, an
	 * object) as null, remembering where: Jackson would otherwise turn {@code 7} into
	 * {@code "7"}, or refuse an object before the fields ahead of it are checked.
	 */
	private static final class StrictText extends ValueDeserializer<String> {

		@Override
		public @Nullable String deserialize(JsonParser parser, DeserializationContext context) {
			if (parser.hasToken(JsonToken.VALUE_STRING)) {
				return parser.getString();
			}
			// an array or object has opened a context of its own: its field is the
			// parent's
			TokenStreamContext at = parser.streamReadContext();
			if (parser.currentToken().isStructStart()) {
				at = at.getParent();
			}
			((WrongTypes) context.getAttribute(WrongTypes.class)).add(at.pathAsPointer().toString());
			parser.skipChildren();
			return null;
		}

	}

}
