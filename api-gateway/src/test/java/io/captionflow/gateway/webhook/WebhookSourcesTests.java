package io.captionflow.gateway.webhook;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import io.captionflow.gateway.webhook.WebhookProperties.Source;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Who a webhook is from, decided on real signatures by the reference Standard Webhooks
 * library and real token digests, and the settings refused before the gateway starts.
 */
class WebhookSourcesTests {

	// whsec_ and the base64 of "ci-old-secret-of-32-bytes-length"
	static final String CI_OLD = "whsec_Y2ktb2xkLXNlY3JldC1vZi0zMi1ieXRlcy1sZW5ndGg=";

	// whsec_ and the base64 of "ci-new-secret-of-32-bytes-length"
	static final String CI_NEW = "whsec_Y2ktbmV3LXNlY3JldC1vZi0zMi1ieXRlcy1sZW5ndGg=";

	static final String PREFECT_TOKEN = "prefect-token-b5f1c2a9e87d4e0f9a3b";

	static final String OTHER_TOKEN = "other-token-0d8e4b2c6a1f49e7b3c5";

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final byte[] BODY = "{\"videoId\":\"v\",\"flowName\":\"nightly-import\",\"status\":\"started\"}"
		.getBytes(StandardCharsets.UTF_8);

	@Test
	void aSignedRequestIsFromTheSourceWhoseSecretSignedItWithEitherSecretWhileItRotates() throws Exception {
		WebhookSources sources = WebhookSources.of(twoSources(), LOOPBACK, CLOCK);
		assertThat(signedBy(sources, CI_OLD).name()).isEqualTo("ci");
		assertThat(signedBy(sources, CI_NEW).name()).isEqualTo("ci");
		// the sender signs with the new and an unknown secret at once
		String both = new Webhook(secret("someone-else's-secret-32-bytes!!")).sign("msg_1", NOW.getEpochSecond(),
				new String(BODY, StandardCharsets.UTF_8)) + " "
				+ new Webhook(CI_NEW).sign("msg_1", NOW.getEpochSecond(), new String(BODY, StandardCharsets.UTF_8));
		assertThat(sources.authenticate(null, "msg_1", Long.toString(NOW.getEpochSecond()), both, BODY).name())
			.isEqualTo("ci");
	}

	@Test
	void aBearerTokenIsFromTheSourceWhoseDigestItMatchesAndNoOther() {
		// the digest is what printf %s "$TOKEN" | sha256sum prints
		assertThat(sha256(PREFECT_TOKEN)).isEqualTo(WebhookSourcesIntegrationTests.PREFECT_SHA256);
		assertThat(sha256(OTHER_TOKEN)).isEqualTo(WebhookSourcesIntegrationTests.OTHER_SHA256);
		WebhookSources sources = WebhookSources.of(twoSources(), LOOPBACK, CLOCK);
		WebhookSource prefect = sources.authenticate("Bearer " + PREFECT_TOKEN, null, null, null, BODY);
		assertThat(prefect.name()).isEqualTo("prefect");
		assertThat(prefect.notificationSource()).isEqualTo("webhook:prefect");
		assertThat(prefect.allows("ingest")).isTrue();
		assertThat(prefect.allows("other-flow")).isFalse();
		assertThat(sources.authenticate("bearer  " + OTHER_TOKEN + " ", null, null, null, BODY).name())
			.isEqualTo("other");
	}

	@Test
	void aWrongOrMissingCredentialIsRefused() throws Exception {
		WebhookSources sources = WebhookSources.of(twoSources(), LOOPBACK, CLOCK);
		assertRefused(() -> sources.authenticate("Bearer not-a-configured-token", null, null, null, BODY),
				"the bearer token is no configured source's");
		assertRefused(() -> sources.authenticate("Basic " + PREFECT_TOKEN, null, null, null, BODY),
				"the Authorization header is not Bearer <token>");
		// the digest is the credential, never the token
		assertRefused(() -> sources.authenticate("Bearer " + sha256(PREFECT_TOKEN), null, null, null, BODY),
				"the bearer token is no configured source's");
		assertRefused(() -> signedBy(sources, secret("someone-else's-secret-32-bytes!!")),
				"no v1 signature in the webhook-signature header matches the body with a configured secret");
		// a signature takes precedence over a token: both must not add up to a pass
		String wrong = new Webhook(secret("someone-else's-secret-32-bytes!!")).sign("msg_2", NOW.getEpochSecond(),
				new String(BODY, StandardCharsets.UTF_8));
		assertRefused(() -> sources.authenticate("Bearer " + PREFECT_TOKEN, "msg_2",
				Long.toString(NOW.getEpochSecond()), wrong, BODY), "no v1 signature");
		assertRefused(() -> sources.authenticate(null, null, null, null, BODY), "a credential is required");
		assertRefused(() -> sources.authenticate(null, "msg_3", null, null, BODY),
				"the webhook-timestamp header is missing");
	}

	@Test
	void unsignedRequestsAreAcceptedOnlyOnALoopbackBindWithNoSource() throws Exception {
		WebhookProperties none = settings(Map.of(), List.of(), false);
		for (String loopback : List.of("127.0.0.1", "::1", "localhost")) {
			WebhookSources sources = WebhookSources.of(none, InetAddress.getByName(loopback), CLOCK);
			assertThat(sources.acceptsUnsigned()).isTrue();
			WebhookSource unsigned = sources.authenticate(null, "msg_4", null, null, BODY);
			assertThat(unsigned.notificationSource()).isEqualTo("webhook:unsigned");
			assertThat(unsigned.allows("any-flow")).isTrue();
		}
		for (String other : List.of("0.0.0.0", "::", "192.0.2.10")) {
			WebhookSources sources = WebhookSources.of(none, InetAddress.getByName(other), CLOCK);
			assertThat(sources.acceptsUnsigned()).isFalse();
			assertRefused(() -> sources.authenticate(null, null, null, null, BODY),
					"a credential is required: sign the request as Standard Webhooks (webhook-id, "
							+ "webhook-timestamp, webhook-signature) or send Authorization: Bearer <token> "
							+ "(no webhook source is configured in captionflow.gateway.webhooks.sources, and "
							+ "unsigned webhooks are accepted only on a loopback server.address)");
		}
		// no server.address: every interface
		assertThat(WebhookSources.of(none, null, CLOCK).acceptsUnsigned()).isFalse();
		// a source configured: unsigned is refused on loopback too
		assertThat(WebhookSources.of(twoSources(), LOOPBACK, CLOCK).acceptsUnsigned()).isFalse();
	}

	@Test
	void allowUnsignedAcceptsUnsignedRequestsAnywhereButNeverAWrongCredential() throws Exception {
		WebhookSources open = WebhookSources.of(settings(Map.of(), List.of(), true), null, CLOCK);
		assertThat(open.authenticate(null, null, null, null, BODY).name()).isEqualTo("unsigned");
		WebhookProperties withSources = settings(twoSources().sources(), List.of(), true);
		WebhookSources mixed = WebhookSources.of(withSources, InetAddress.getByName("0.0.0.0"), CLOCK);
		assertThat(mixed.authenticate(null, null, null, null, BODY).name()).isEqualTo("unsigned");
		assertThat(mixed.authenticate("Bearer " + PREFECT_TOKEN, null, null, null, BODY).name()).isEqualTo("prefect");
		assertRefused(() -> mixed.authenticate("Bearer wrong-token", null, null, null, BODY), "no configured source");
	}

	@Test
	void theSecretsSettingIsTheDefaultSourceForEveryFlow() throws Exception {
		WebhookSources sources = WebhookSources.of(settings(Map.of(), List.of(CI_OLD), false), LOOPBACK, CLOCK);
		WebhookSource source = signedBy(sources, CI_OLD);
		assertThat(source.notificationSource()).isEqualTo("webhook:default");
		assertThat(source.allows("whatever-flow")).isTrue();
		assertThat(sources.acceptsUnsigned()).isFalse();
	}

	@Test
	void aDeliveryIsRememberedPerSourceWithinTheColumn() {
		WebhookSources sources = WebhookSources.of(twoSources(), LOOPBACK, CLOCK);
		WebhookSource ci = sources.sources().get(0);
		WebhookSource prefect = sources.sources().get(1);
		assertThat(ci.deliveryKey("msg_1")).isNotEqualTo(prefect.deliveryKey("msg_1"))
			.isEqualTo(ci.deliveryKey("msg_1"))
			.startsWith("ci:");
		assertThat(ci.deliveryKey("m".repeat(200))).hasSizeLessThanOrEqualTo(200);
	}

	@Test
	void keysShorterThan24BytesAreRefusedNamingTheSetting() {
		Map<String, Source> sources = Map.of("ci",
				new Source(List.of(CI_OLD, secret("only-16-bytes!!!")), null, List.of("nightly-import")));
		assertInvalid(settings(sources, List.of(), false),
				"captionflow.gateway.webhooks.sources.ci.secrets[1]: the key is 16 bytes, at least 24 are required");
		assertInvalid(settings(Map.of(), List.of(secret("twenty-three-bytes-long")), false),
				"captionflow.gateway.webhooks.secrets[0]: the key is 23 bytes, at least 24 are required");
		assertInvalid(
				settings(Map.of("ci", new Source(List.of("whsec_not base64!"), null, List.of("*"))), List.of(), false),
				"captionflow.gateway.webhooks.sources.ci.secrets[0]: is not whsec_ followed by base64");
		// exactly 24 is enough
		assertThat(WebhookSources
			.of(settings(Map.of(), List.of(secret("twenty-four-bytes-long!!")), false), LOOPBACK, CLOCK)
			.sources()).hasSize(1);
	}

	@Test
	void aTokenDigestMustBe64HexDigitsOfANonEmptyToken() {
		assertInvalid(token("abc123"),
				"captionflow.gateway.webhooks.sources.prefect.token-sha256: is not a SHA-256 as 64 hex digits");
		assertInvalid(token(sha256(PREFECT_TOKEN).substring(1) + "g"), "is not a SHA-256 as 64 hex digits");
		assertInvalid(token(sha256("")),
				"captionflow.gateway.webhooks.sources.prefect.token-sha256: is the SHA-256 " + "of an empty token");
		// upper case hex is fine
		assertThat(WebhookSources.of(token(sha256(PREFECT_TOKEN).toUpperCase(java.util.Locale.ROOT)), LOOPBACK, CLOCK)
			.authenticate("Bearer " + PREFECT_TOKEN, null, null, null, BODY)
			.name()).isEqualTo("prefect");
	}

	@Test
	void aSourceHasExactlyOneKindOfCredentialAndSomeFlows() {
		assertInvalid(settings(Map.of("ci", new Source(List.of(), null, List.of("*"))), List.of(), false),
				"captionflow.gateway.webhooks.sources.ci: has no credential");
		assertInvalid(settings(Map.of("ci", new Source(List.of(CI_OLD), sha256(PREFECT_TOKEN), List.of("*"))),
				List.of(), false), "captionflow.gateway.webhooks.sources.ci: has both secrets and token-sha256");
		assertInvalid(settings(Map.of("ci", new Source(List.of(CI_OLD), null, List.of())), List.of(), false),
				"captionflow.gateway.webhooks.sources.ci.flows: is empty; list the flows (flowName) the source may "
						+ "post for, or * for every flow");
		assertInvalid(settings(Map.of("ci", new Source(List.of(CI_OLD), null, List.of("a", " "))), List.of(), false),
				"captionflow.gateway.webhooks.sources.ci.flows[1]: is blank");
	}

	@Test
	void namesAndCredentialsAreEachSourcesOwn() {
		assertInvalid(settings(Map.of("CI runner", new Source(List.of(CI_OLD), null, List.of("*"))), List.of(), false),
				"captionflow.gateway.webhooks.sources.CI runner: a source name is lowercase letters, digits and dashes");
		assertInvalid(settings(Map.of("unsigned", new Source(List.of(CI_OLD), null, List.of("*"))), List.of(), false),
				"captionflow.gateway.webhooks.sources.unsigned: unsigned is the source of unsigned requests");
		assertInvalid(
				settings(Map.of("default", new Source(List.of(CI_NEW), null, List.of("*"))), List.of(CI_OLD), false),
				"captionflow.gateway.webhooks.secrets: are the secrets of the source named default");
		Map<String, Source> sharedSecret = new LinkedHashMap<>();
		sharedSecret.put("a", new Source(List.of(CI_OLD), null, List.of("*")));
		sharedSecret.put("b", new Source(List.of(CI_NEW, CI_OLD), null, List.of("*")));
		assertInvalid(settings(sharedSecret, List.of(), false),
				"captionflow.gateway.webhooks.sources.b.secrets: a secret of source 'b' is also one of source 'a'");
		Map<String, Source> sharedToken = new LinkedHashMap<>();
		sharedToken.put("a", new Source(List.of(), sha256(PREFECT_TOKEN), List.of("*")));
		sharedToken.put("b",
				new Source(List.of(), sha256(PREFECT_TOKEN).toUpperCase(java.util.Locale.ROOT), List.of("*")));
		assertInvalid(settings(sharedToken, List.of(), false),
				"captionflow.gateway.webhooks.sources.b.token-sha256: the token of source 'b' is also one of source 'a'");
	}

	@Test
	void deliveriesAreRememberedLongerThanASignatureCanBeReplayed() {
		assertInvalid(durations(Duration.ofMinutes(5), Duration.ofMinutes(5)),
				"captionflow.gateway.webhooks.delivery-retention (PT5M) must be longer than twice "
						+ "captionflow.gateway.webhooks.tolerance (PT5M)");
		assertInvalid(durations(Duration.ofMinutes(10), Duration.ofMinutes(5)), "delivery-retention (PT5M)");
		// a timestamp 5 min ahead is accepted until 5 min behind: 10 min after receipt
		assertInvalid(durations(Duration.ofMinutes(5), Duration.ofMinutes(10)), "delivery-retention (PT10M)");
		assertInvalid(durations(Duration.ZERO, Duration.ofHours(24)),
				"captionflow.gateway.webhooks.tolerance: must be positive");
		assertThat(WebhookSources.of(durations(Duration.ofMinutes(5), Duration.ofMinutes(11)), LOOPBACK, CLOCK))
			.isNotNull();
	}

	@Test
	void everySettingAtFaultIsNamedAtOnce() {
		Map<String, Source> sources = new LinkedHashMap<>();
		sources.put("a", new Source(List.of(secret("short")), null, List.of("*")));
		sources.put("b", new Source(List.of(), "nope", List.of()));
		assertThatExceptionOfType(WebhookSources.InvalidSettingsException.class)
			.isThrownBy(() -> WebhookSources.of(
					new WebhookProperties(sources, List.of(), false, Duration.ofMinutes(5), Duration.ofMinutes(5)),
					LOOPBACK, CLOCK))
			.satisfies((ex) -> assertThat(ex.errors()).hasSize(4)
				.anySatisfy((error) -> assertThat(error).startsWith("captionflow.gateway.webhooks.delivery-retention"))
				.anySatisfy(
						(error) -> assertThat(error).startsWith("captionflow.gateway.webhooks.sources.a.secrets[0]"))
				.anySatisfy((error) -> assertThat(error).startsWith("captionflow.gateway.webhooks.sources.b.flows"))
				.anySatisfy((error) -> assertThat(error)
					.startsWith("captionflow.gateway.webhooks.sources.b.token-sha256")));
	}

	/** ci signs (two secrets) for two flows; prefect and other send tokens. */
	static WebhookProperties twoSources() {
		Map<String, Source> sources = new LinkedHashMap<>();
		sources.put("ci", new Source(List.of(CI_OLD, CI_NEW), null, List.of("nightly-import", "export")));
		sources.put("prefect", new Source(List.of(), sha256(PREFECT_TOKEN), List.of("ingest")));
		sources.put("other", new Source(List.of(), sha256(OTHER_TOKEN), List.of("other-flow")));
		return settings(sources, List.of(), false);
	}

	static String secret(String key) {
		return "whsec_" + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
	}

	static String sha256(String token) {
		return HexFormat.of().formatHex(WebhookSource.sha256(token.getBytes(StandardCharsets.UTF_8)));
	}

	private static WebhookProperties settings(Map<String, Source> sources, List<String> secrets,
			boolean allowUnsigned) {
		return new WebhookProperties(sources, secrets, allowUnsigned, Duration.ofSeconds(300), Duration.ofHours(24));
	}

	private static WebhookProperties token(String digest) {
		return settings(Map.of("prefect", new Source(List.of(), digest, List.of("ingest"))), List.of(), false);
	}

	private static WebhookProperties durations(Duration tolerance, Duration retention) {
		return new WebhookProperties(Map.of(), List.of(), false, tolerance, retention);
	}

	private static WebhookSource signedBy(WebhookSources sources, String secret) throws Exception {
		long timestamp = NOW.getEpochSecond();
		String signature = new Webhook(secret).sign("msg_0", timestamp, new String(BODY, StandardCharsets.UTF_8));
		return sources.authenticate(null, "msg_0", Long.toString(timestamp), signature, BODY);
	}

	private static void assertRefused(ThrowingAuthentication authentication, String message) {
		assertThatExceptionOfType(WebhookAuthenticationException.class).isThrownBy(authentication::run)
			.withMessageContaining(message);
	}

	private static void assertInvalid(WebhookProperties settings, String message) {
		assertThatExceptionOfType(WebhookSources.InvalidSettingsException.class)
			.isThrownBy(() -> WebhookSources.of(settings, LOOPBACK, CLOCK))
			.withMessageContaining(message);
	}

	@FunctionalInterface
	private interface ThrowingAuthentication {

		void run() throws Exception;

	}

}
