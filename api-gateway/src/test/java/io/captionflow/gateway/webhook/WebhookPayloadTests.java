package io.captionflow.gateway.webhook;

import java.nio.charset.StandardCharsets;

import io.captionflow.events.VideoNotification.Status;
import io.captionflow.gateway.web.InvalidRequestException;
import io.captionflow.gateway.web.PlainText;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.validation.MessageInterpolatorFactory;
import org.springframework.context.support.StaticMessageSource;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Webhook bodies read from real JSON bytes, in both shapes: the job-status payload and a
 * Prefect automation's. Each field's rules (present, a string, not blank, bounded, plain
 * text) and the Prefect state mapping; a broken rule is answered as a 400 naming the
 * field, the first broken in the order the fields are checked.
 */
class WebhookPayloadTests {

	// the gateway's JSON reading: a key given twice is an error (RequestText)
	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private static final WebhookPayloadReader READER = new WebhookPayloadReader(JSON, validator());

	@Test
	void aJobStatusIsReadWithItsFlowAndStatus() {
		WebhookPayload payload = read("{\"videoId\":\"w1\",\"flowName\":\"import\",\"status\":\"started\"}");
		assertThat(payload).isEqualTo(new WebhookPayload("w1", "import", Status.STARTED, null, "import started"));
		assertThat(read("{\"videoId\":\"w1\",\"flowName\":\"import\",\"status\":\"complete\",\"error\":\"ignored\"}"))
			.isEqualTo(new WebhookPayload("w1", "import", Status.COMPLETE, null, "import complete"));
	}

	@Test
	void anErrorKeepsItsReasonOverLinesOrIsFailedWithoutOne() {
		assertThat(read(
				"{\"videoId\":\"w1\",\"flowName\":\"nightly\",\"status\":\"error\",\"error\":\"disk\\nfull\\t!\"}"))
			.isEqualTo(new WebhookPayload("w1", "nightly", Status.ERROR, "disk\nfull\t!", "nightly error"));
		assertThat(read("{\"videoId\":\"w1\",\"flowName\":\"nightly\",\"status\":\"error\"}").error())
			.isEqualTo("failed");
		assertThat(read("{\"videoId\":\"w1\",\"flowName\":\"nightly\",\"status\":\"error\",\"error\":null}").error())
			.isEqualTo("failed");
	}

	@Test
	void fieldsOfNeitherShapeAreIgnored() {
		assertThat(read("{\"videoId\":\"w1\",\"flowName\":\"f\",\"status\":\"started\",\"extra\":{\"a\":[1,2]},"
				+ "\"state\":7,\"parameters\":\"x\"}"))
			.isEqualTo(new WebhookPayload("w1", "f", Status.STARTED, null, "f started"));
	}

	@Test
	void aRequiredFieldMissingOrNullIsNamed() {
		assertRefused("{\"flowName\":\"x\",\"status\":\"started\"}", "videoId", "is required");
		assertRefused("{\"videoId\":null,\"flowName\":\"x\",\"status\":\"started\"}", "videoId", "is required");
		assertRefused("{\"videoId\":\"w1\",\"status\":\"started\"}", "flowName", "is required");
		// a status present, even null, makes the body a job status, not a Prefect one
		assertRefused("{\"videoId\":\"w1\",\"flowName\":\"x\",\"status\":null,\"state\":\"Running\"}", "status",
				"is required");
		assertRefused("{\"status\":null,\"flowRunId\":\"r\",\"flowName\":\"x\",\"state\":\"Running\","
				+ "\"parameters\":{\"video_id\":\"w1\"}}", "videoId", "is required");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"\"", "\"   \"", "\"\\t\"", "\"\\u2003\"" })
	void aRequiredFieldThatIsBlankIsRefused(String blank) {
		assertRefused("{\"videoId\":" + blank + ",\"flowName\":\"x\",\"status\":\"started\"}", "videoId",
				"must not be blank");
		assertRefused("{\"videoId\":\"w1\",\"flowName\":" + blank + ",\"status\":\"started\"}", "flowName",
				"must not be blank");
		assertRefused("{\"videoId\":\"w1\",\"flowName\":\"x\",\"status\":" + blank + "}", "status",
				"must not be blank");
	}

	@ParameterizedTest
	@ValueSource(strings = { "7", "1.5", "true", "[\"w1\"]", "{\"id\":\"w1\"}" })
	void aFieldThatIsNotAStringIsRefused(String value) {
		assertRefused("{\"videoId\":" + value + ",\"flowName\":\"x\",\"status\":\"started\"}", "videoId",
				"must be a string");
		assertRefused("{\"videoId\":\"w1\",\"flowName\":" + value + ",\"status\":\"started\"}", "flowName",
				"must be a string");
		assertRefused("{\"videoId\":\"w1\",\"flowName\":\"x\",\"status\":" + value + "}", "status", "must be a string");
		assertRefused("{\"videoId\":\"w1\",\"flowName\":\"x\",\"status\":\"error\",\"error\":" + value + "}", "error",
				"must be a string");
	}

	@Test
	void aFieldIsBoundedByItsColumn() {
		assertThat(read(status("v".repeat(64), "f".repeat(200), "error", "e".repeat(2000))).error()).hasSize(2000);
		assertRefused(status("v".repeat(65), "x", "started", null), "videoId", "must be at most 64 characters");
		assertRefused(status("w1", "f".repeat(201), "started", null), "flowName", "must be at most 200 characters");
		assertRefused(status("w1", "x", "s".repeat(33), null), "status", "must be at most 32 characters");
		assertRefused(status("w1", "x", "error", "e".repeat(2001)), "error", "must be at most 2000 characters");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\\u0000", "\\n", "\\r", "\\t", "\\u001b", "\\u007f", "\\u0085", "\\u009f" })
	void anIdOrANameIsOneLineWithoutControlCharacters(String control) {
		assertRefused(status("w" + control + "1", "x", "started", null), "videoId", PlainText.SINGLE_LINE_MESSAGE);
		assertRefused(status("w1", "x" + control + "y", "started", null), "flowName", PlainText.SINGLE_LINE_MESSAGE);
		assertRefused(status("w1", "x", "started" + control, null), "status", PlainText.SINGLE_LINE_MESSAGE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\\u0000", "\\u001b", "\\u007f", "\\u0085" })
	void aReasonMayRunOverLinesButHoldsNoOtherControlCharacters(String control) {
		assertRefused(status("w1", "x", "error", "a" + control + "b"), "error", PlainText.LINES_MESSAGE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "finished", "queued", "Started", "COMPLETE" })
	void aStatusIsStartedCompleteOrError(String status) {
		assertRefused(status("w1", "x", status, null), "status", "must be one of started, complete, error");
	}

	@Test
	void theFirstRuleBrokenIsAnsweredInTheOrderTheFieldsAreChecked() {
		// the order of the checks, not of the document
		assertRefused("{\"error\":7,\"status\":\"bogus\",\"flowName\":7,\"videoId\":8}", "videoId", "must be a string");
		assertRefused("{\"flowName\":7,\"videoId\":\"" + "v".repeat(65) + "\",\"status\":\"started\"}", "videoId",
				"must be at most 64 characters");
		assertRefused("{\"videoId\":\"w1\",\"flowName\":null,\"status\":\"bogus\",\"error\":7}", "flowName",
				"is required");
		assertRefused("{\"videoId\":\"w1\",\"flowName\":\"x\",\"status\":\"bogus\",\"error\":7}", "status",
				"must be one of started, complete, error");
		// within a field: blank before too long before control characters
		assertRefused(status("w1", "x", " ".repeat(40), null), "status", "must not be blank");
		assertRefused(status("w1", "x", "\\u0000".repeat(40), null), "status", "must be at most 32 characters");
	}

	@Test
	void aBodyThatIsNotAJsonObjectIsNamedAsTheBody() {
		assertThat(refusal("{\"videoId\":\"w1\",").getMessage()).startsWith("is not valid JSON: ");
		assertRefused("[1, 2]", "body", "must be a JSON object");
		assertRefused("\"w1\"", "body", "must be a JSON object");
		assertRefused("null", "body", "must be a JSON object");
		assertRefused("", "body", "must be a JSON object");
		assertThat(refusal("{\"videoId\":\"w1\",\"videoId\":\"w2\",\"flowName\":\"x\",\"status\":\"started\"}"))
			.satisfies((refused) -> assertThat(refused.field()).isEqualTo("body"))
			.satisfies((refused) -> assertThat(refused.getMessage())
				.isEqualTo("is not valid JSON: Duplicate Object property \"videoId\""));
	}

	@Test
	void aBodyOfNeitherShapeIsAskedForAStatus() {
		assertRefused("{\"videoId\":\"w1\",\"flowName\":\"x\"}", "status",
				"is required (or state, with flowRunId and parameters.video_id, for a Prefect automation)");
		assertRefused("{}", "status",
				"is required (or state, with flowRunId and parameters.video_id, for a Prefect automation)");
	}

	// ---- Prefect automations ----

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "-",
			textBlock = """
					"Scheduled"                | queued   | -
					"Late"                     | queued   | -
					"AwaitingRetry"            | queued   | -
					"AWAITING_CONCURRENCY_SLOT"| queued   | -
					"Pending"                  | queued   | -
					"Running"                  | started  | -
					"Retrying"                 | started  | -
					"Completed"                | complete | -
					"COMPLETED"                | complete | -
					"Cached"                   | complete | -
					" completed "              | complete | -
					"StateType.RUNNING"        | started  | -
					"Failed"                   | error    | Prefect flow run run-1 failed
					"Crashed"                  | error    | Prefect flow run run-1 crashed
					"Cancelled"                | error    | Prefect flow run run-1 cancelled
					{"type":"StateType.COMPLETED","name":"Completed"}                 | complete | -
					{"type":"StateType.FAILED","name":"Failed"}                       | error    | Prefect flow run run-1 failed
					{"type":"CRASHED","name":"Crashed","message":"worker lost"}       | error    | Prefect flow run run-1 crashed: worker lost
					{"type":"FAILED","name":"TimedOut"}                               | error    | Prefect flow run run-1 failed: TimedOut
					{"type":"FAILED","name":"AwaitingRetry","message":"boom"}         | error    | Prefect flow run run-1 failed: AwaitingRetry: boom
					{"type":"FAILED","message":"two\\nlines"}                         | error    | Prefect flow run run-1 failed: two\\nlines
					{"name":"Completed"}                                              | complete | -
					{"type":null,"name":"Running","message":null}                     | started  | -
					""")
	void aPrefectStateMapsByItsType(String state, String status, String error) {
		WebhookPayload payload = read(prefect(state));
		assertThat(payload.videoId()).isEqualTo("w1");
		assertThat(payload.flowName()).isEqualTo("ingest");
		assertThat(payload.status()).isEqualTo(Status.fromWireName(status));
		assertThat(payload.error()).isEqualTo((error != null) ? error.replace("\\n", "\n") : null);
	}

	@Test
	void aPrefectStateIsDescribedAsPrefectNamedIt() {
		assertThat(read(prefect("\"Running\"")).describe()).isEqualTo("Prefect flow run run-1 of ingest is Running");
		assertThat(read(prefect("\"StateType.COMPLETED\"")).describe())
			.isEqualTo("Prefect flow run run-1 of ingest is COMPLETED");
		assertThat(read(prefect("{\"type\":\"COMPLETED\",\"name\":\"Cached\"}")).describe())
			.isEqualTo("Prefect flow run run-1 of ingest is COMPLETED");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"Paused\"", "\"Suspended\"", "\"Cancelling\"", "{\"type\":\"PAUSED\"}" })
	void aPrefectStateThatChangesNoStatusIsAcceptedWithoutOne(String state) {
		WebhookPayload payload = read(prefect(state));
		assertThat(payload.status()).isNull();
		assertThat(payload.error()).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "7", "true", "[\"Running\"]", "null", "{}", "\"\"", "\"  \"",
			"{\"message\":\"no type, no name\"}" })
	void aPrefectStateThatIsNoNameTypeOrObjectIsRefused(String state) {
		assertRefused(prefect(state), "state", "must be a Prefect state name, type or object");
	}

	@Test
	void anUnknownPrefectStateIsNamedInTheAnswer() {
		assertRefused(prefect("\"Exploded\""), "state", "'Exploded' is not a Prefect state");
		// a name, not a type, keeps the enum's prefix
		assertRefused(prefect("{\"name\":\"StateType.COMPLETED\"}"), "state",
				"'StateType.COMPLETED' is not a Prefect state");
		// a bare state is only looked up: neither bounded nor held to one line
		assertRefused(prefect("\"" + "x".repeat(300) + "\""), "state",
				"'" + "x".repeat(300) + "' is not a Prefect state");
		assertRefused(prefect("\"a\\u0000b\""), "state", "'a\u0000b' is not a Prefect state");
	}

	@Test
	void aPrefectStateObjectsFieldsAreStringsBoundedAndPlain() {
		assertRefused(prefect("{\"type\":5}"), "type", "must be a string");
		assertRefused(prefect("{\"type\":\"COMPLETED\",\"name\":[]}"), "name", "must be a string");
		assertRefused(prefect("{\"type\":\"FAILED\",\"message\":{}}"), "message", "must be a string");
		assertRefused(prefect("{\"type\":\"" + "T".repeat(201) + "\"}"), "type", "must be at most 200 characters");
		assertRefused(prefect("{\"type\":\"FAILED\",\"name\":\"" + "N".repeat(201) + "\"}"), "name",
				"must be at most 200 characters");
		assertRefused(prefect("{\"type\":\"FAILED\",\"message\":\"" + "m".repeat(2001) + "\"}"), "message",
				"must be at most 2000 characters");
		assertRefused(prefect("{\"type\":\"FAILED\\n\"}"), "type", PlainText.SINGLE_LINE_MESSAGE);
		assertRefused(prefect("{\"type\":\"FAILED\",\"name\":\"a\\tb\"}"), "name", PlainText.SINGLE_LINE_MESSAGE);
		assertRefused(prefect("{\"type\":\"FAILED\",\"message\":\"a\\u0000b\"}"), "message", PlainText.LINES_MESSAGE);
	}

	@Test
	void aPrefectReasonIsCutToItsColumn() {
		String error = read(prefect("{\"type\":\"FAILED\",\"message\":\"" + "m".repeat(2000) + "\"}")).error();
		assertThat(error).hasSize(2000).startsWith("Prefect flow run run-1 failed: mmm");
	}

	@Test
	void aPrefectAutomationNamesItsVideoInItsParametersOrAtTheTop() {
		String start = "{\"flowRunId\":\"r\",\"flowName\":\"ingest\",\"state\":\"Running\"";
		assertThat(read(start + ",\"parameters\":{\"video_id\":\"p1\"},\"videoId\":\"top\"}").videoId())
			.isEqualTo("p1");
		assertThat(read(start + ",\"videoId\":\"top\"}").videoId()).isEqualTo("top");
		assertThat(read(start + ",\"parameters\":{\"video_id\":null,\"other\":1},\"videoId\":\"top\"}").videoId())
			.isEqualTo("top");
		// parameters of another shape name no video
		assertThat(read(start + ",\"parameters\":\"p1\",\"videoId\":\"top\"}").videoId()).isEqualTo("top");
		assertThat(read(start + ",\"parameters\":[\"p1\"],\"videoId\":\"top\"}").videoId()).isEqualTo("top");
		// the top-level videoId is not read when the parameters name the video
		assertThat(read(start + ",\"parameters\":{\"video_id\":\"p1\"},\"videoId\":7}").videoId()).isEqualTo("p1");
		assertThat(
				read(start + ",\"parameters\":{\"video_id\":\"p1\"},\"videoId\":\"" + "v".repeat(65) + "\"}").videoId())
			.isEqualTo("p1");
		// not required to be filled: an empty id is a video that does not exist
		assertThat(read(start + ",\"parameters\":{\"video_id\":\"\"}}").videoId()).isEmpty();
	}

	@Test
	void aPrefectAutomationsVideoIsRequiredABoundedStringAndOneLine() {
		String start = "{\"flowRunId\":\"r\",\"flowName\":\"ingest\",\"state\":\"Running\"";
		assertRefused(start + ",\"parameters\":{}}", "parameters.video_id", "is required");
		assertRefused(start + "}", "parameters.video_id", "is required");
		assertRefused(start + ",\"parameters\":7,\"videoId\":null}", "parameters.video_id", "is required");
		assertRefused(start + ",\"parameters\":{\"video_id\":7}}", "video_id", "must be a string");
		assertRefused(start + ",\"parameters\":{\"video_id\":\"" + "v".repeat(65) + "\"}}", "video_id",
				"must be at most 64 characters");
		assertRefused(start + ",\"parameters\":{\"video_id\":\"a\\nb\"}}", "video_id", PlainText.SINGLE_LINE_MESSAGE);
		assertRefused(start + ",\"videoId\":[\"w1\"]}", "videoId", "must be a string");
		assertRefused(start + ",\"videoId\":\"" + "v".repeat(65) + "\"}", "videoId", "must be at most 64 characters");
	}

	@Test
	void aPrefectAutomationNamesItsFlowAndItsRun() {
		String rest = ",\"state\":\"Running\",\"parameters\":{\"video_id\":\"w1\"}}";
		assertRefused("{\"flowRunId\":\"r\"" + rest, "flowName", "is required");
		assertRefused("{\"flowName\":\"ingest\"" + rest, "flowRunId", "is required");
		assertRefused("{\"flowName\":\"ingest\",\"flowRunId\":\" \"" + rest, "flowRunId", "must not be blank");
		assertRefused("{\"flowName\":\"ingest\",\"flowRunId\":7" + rest, "flowRunId", "must be a string");
		assertRefused("{\"flowName\":\"ingest\",\"flowRunId\":\"" + "r".repeat(201) + "\"" + rest, "flowRunId",
				"must be at most 200 characters");
		assertRefused("{\"flowName\":\"in\\u0000gest\",\"flowRunId\":\"r\"" + rest, "flowName",
				PlainText.SINGLE_LINE_MESSAGE);
	}

	@Test
	void aPrefectAutomationsRulesAreCheckedFlowRunVideoThenState() {
		assertRefused("{\"state\":{\"type\":5},\"flowRunId\":7}", "flowName", "is required");
		assertRefused("{\"state\":{\"type\":5},\"flowRunId\":7,\"flowName\":\"ingest\"}", "flowRunId",
				"must be a string");
		assertRefused("{\"state\":{\"type\":5},\"flowRunId\":\"r\",\"flowName\":\"ingest\"}", "parameters.video_id",
				"is required");
		assertRefused("{\"state\":\"Exploded\",\"flowRunId\":\"r\",\"flowName\":\"ingest\",\"videoId\":5}", "videoId",
				"must be a string");
		assertRefused(
				"{\"state\":{\"type\":5,\"name\":7},\"flowRunId\":\"r\",\"flowName\":\"ingest\",\"videoId\":\"w1\"}",
				"type", "must be a string");
		assertRefused(
				"{\"state\":{\"name\":7,\"message\":7},\"flowRunId\":\"r\",\"flowName\":\"ingest\",\"videoId\":\"w1\"}",
				"name", "must be a string");
	}

	/**
	 * The validator as the gateway's context makes it (ValidationAutoConfiguration): its
	 * messages go through the application's message source first.
	 */
	private static Validator validator() {
		LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean();
		validator.setMessageInterpolator(new MessageInterpolatorFactory(new StaticMessageSource()).getObject());
		validator.afterPropertiesSet();
		return validator;
	}

	private static String status(String videoId, String flowName, String status, String error) {
		return "{\"videoId\":\"" + videoId + "\",\"flowName\":\"" + flowName + "\",\"status\":\"" + status + "\""
				+ ((error != null) ? ",\"error\":\"" + error + "\"" : "") + "}";
	}

	private static String prefect(String state) {
		return "{\"flowRunId\":\"run-1\",\"flowName\":\"ingest\",\"state\":" + state
				+ ",\"parameters\":{\"video_id\":\"w1\"}}";
	}

	private static void assertRefused(String body, String field, String message) {
		InvalidRequestException refused = refusal(body);
		assertThat(refused).as("refusal of %s", body).isNotNull();
		assertThat(refused.field()).as("field refused in %s", body).isEqualTo(field);
		assertThat(refused.getMessage()).as("message for %s", body).isEqualTo(message);
	}

	private static InvalidRequestException refusal(String body) {
		return catchThrowableOfType(InvalidRequestException.class, () -> read(body));
	}

	private static WebhookPayload read(String body) {
		return READER.read(body.getBytes(StandardCharsets.UTF_8));
	}

}
