package io.captionflow.gateway.webhook;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The webhook sources configured, and who a request is from.
 * <p>
 * A request is from the source whose credential it carries: a Standard Webhooks signature
 * by one of the source's secrets, or a bearer token whose SHA-256 is the source's. Every
 * source's credential is compared, each in constant time, so no source needs to be named
 * in the request and no credential can stand for two sources (start-up refuses two
 * sources sharing one). A request with no credential is accepted only as the source
 * {@code unsigned}: on a loopback bind with no source configured, or when
 * {@code allow-unsigned} says so.
 * <p>
 * Built from the settings, it refuses those that cannot be made safe, naming the setting:
 * a key or token shorter than {@value #MIN_KEY_BYTES} bytes, a source with no credential
 * or with both kinds, or no flows, two sources with one credential, a delivery retention
 * that would forget a delivery while its signature can still be replayed.
 */
final class WebhookSources {

	static final String PREFIX = "captionflow.gateway.webhooks";

	/** The shortest key accepted, in bytes: 192 bits. */
	static final int MIN_KEY_BYTES = 24;

	/** The source of the legacy {@code captionflow.gateway.webhooks.secrets}. */
	static final String DEFAULT = "default";

	/** The source of requests accepted without a credential. */
	static final String UNSIGNED = "unsigned";

	private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

	private static final String BEARER = "bearer ";

	private static final String CREDENTIAL_REQUIRED = "a credential is required: sign the request as Standard "
			+ "Webhooks (webhook-id, webhook-timestamp, webhook-signature) or send Authorization: Bearer <token>";

	private final List<WebhookSource> sources;

	private final @Nullable WebhookSource unsigned;

	private final String unsignedRefusal;

	private final StandardWebhooks signatures;

	private WebhookSources(List<WebhookSource> sources, @Nullable WebhookSource unsigned, String unsignedRefusal,
			StandardWebhooks signatures) {
		this.sources = sources;
		this.unsigned = unsigned;
		this.unsignedRefusal = unsignedRefusal;
		this.signatures = signatures;
	}

	/**
	 * The sources of the settings.
	 * @param settings the webhook settings
	 * @param bind the address the gateway listens on ({@code server.address}), null for
	 * every interface
	 * @param clock the clock signature timestamps are checked against
	 * @return the sources
	 * @throws InvalidSettingsException naming every setting at fault
	 */
	static WebhookSources of(WebhookProperties settings, @Nullable InetAddress bind, Clock clock) {
		List<String> errors = new ArrayList<>();
		checkDurations(settings.tolerance(), settings.deliveryRetention(), errors);
		List<WebhookSource> sources = new ArrayList<>();
		List<String> secrets = settings.secrets().stream().filter((secret) -> !secret.isBlank()).toList();
		if (!secrets.isEmpty()) {
			if (settings.sources().containsKey(DEFAULT)) {
				errors.add(PREFIX + ".secrets: are the secrets of the source named " + DEFAULT + "; configure " + PREFIX
						+ ".sources." + DEFAULT + " or " + PREFIX + ".secrets, not both");
			}
			sources.add(new WebhookSource(DEFAULT, keys(PREFIX + ".secrets", secrets, errors), null,
					Set.of(WebhookSource.EVERY_FLOW)));
		}
		for (Map.Entry<String, WebhookProperties.Source> entry : settings.sources().entrySet()) {
			WebhookSource source = source(entry.getKey(), entry.getValue(), errors);
			if (source != null) {
				sources.add(source);
			}
		}
		checkDistinct(sources, errors);
		if (!errors.isEmpty()) {
			throw new InvalidSettingsException(errors);
		}
		boolean loopback = bind != null && bind.isLoopbackAddress();
		WebhookSource unsigned = null;
		String refusal = CREDENTIAL_REQUIRED;
		if (settings.allowUnsigned() || (loopback && sources.isEmpty())) {
			unsigned = new WebhookSource(UNSIGNED, List.of(), null, Set.of(WebhookSource.EVERY_FLOW));
		}
		else if (sources.isEmpty()) {
			refusal += " (no webhook source is configured in " + PREFIX + ".sources, and unsigned webhooks are "
					+ "accepted only on a loopback server.address)";
		}
		return new WebhookSources(List.copyOf(sources), unsigned, refusal,
				new StandardWebhooks(settings.tolerance(), clock));
	}

	/**
	 * The configured sources.
	 * @return the sources, without the unsigned one
	 */
	List<WebhookSource> sources() {
		return this.sources;
	}

	/**
	 * Whether requests without a credential are accepted.
	 * @return true when they are, as the source {@code unsigned}
	 */
	boolean acceptsUnsigned() {
		return this.unsigned != null;
	}

	/**
	 * Who a request is from. Standard Webhooks headers take precedence over
	 * {@code Authorization}.
	 * @param authorization the {@code Authorization} header
	 * @param id the {@code webhook-id} header
	 * @param timestamp the {@code webhook-timestamp} header
	 * @param signature the {@code webhook-signature} header
	 * @param body the body as received
	 * @return the source
	 * @throws WebhookAuthenticationException when the request carries no credential where
	 * one is required, or one that is no source's
	 */
	WebhookSource authenticate(String authorization, String id, String timestamp, String signature, byte[] body) {
		if (present(signature)) {
			return signed(this.signatures.read(id, timestamp, signature, body));
		}
		if (present(authorization)) {
			return bearer(authorization);
		}
		if (this.unsigned != null) {
			// a webhook-id alone only makes the delivery idempotent
			return this.unsigned;
		}
		if (present(id) || present(timestamp)) {
			// says which Standard Webhooks header is missing
			return signed(this.signatures.read(id, timestamp, signature, body));
		}
		throw new WebhookAuthenticationException(this.unsignedRefusal);
	}

	private WebhookSource signed(StandardWebhooks.Signed request) {
		WebhookSource match = null;
		for (WebhookSource source : this.sources) {
			for (byte[] key : source.keys()) {
				if (request.signedWith(key) && match == null) {
					match = source;
				}
			}
		}
		if (match == null) {
			throw new WebhookAuthenticationException("no v1 signature in the " + StandardWebhooks.SIGNATURE
					+ " header matches the body with a configured secret");
		}
		return match;
	}

	private WebhookSource bearer(String authorization) {
		String value = authorization.strip();
		if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			throw new WebhookAuthenticationException("the Authorization header is not Bearer <token>");
		}
		byte[] hash = WebhookSource.sha256(value.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8));
		WebhookSource match = null;
		for (WebhookSource source : this.sources) {
			if (source.tokenSha256() != null && MessageDigest.isEqual(hash, source.tokenSha256()) && match == null) {
				match = source;
			}
		}
		if (match == null) {
			throw new WebhookAuthenticationException("the bearer token is no configured source's");
		}
		return match;
	}

	private static @Nullable WebhookSource source(String name, WebhookProperties.Source settings, List<String> errors) {
		String setting = PREFIX + ".sources." + name;
		if (!NAME.matcher(name).matches()) {
			errors.add(setting + ": a source name is lowercase letters, digits and dashes, at most 63");
			return null;
		}
		if (UNSIGNED.equals(name)) {
			errors.add(setting + ": " + UNSIGNED + " is the source of unsigned requests; choose another name");
			return null;
		}
		List<String> secrets = settings.secrets().stream().filter((secret) -> !secret.isBlank()).toList();
		String hashedToken = settings.tokenSha256();
		boolean token = hashedToken != null && !hashedToken.isBlank();
		if (secrets.isEmpty() && !token) {
			errors.add(setting + ": has no credential; configure secrets (Standard Webhooks whsec_ secrets) or "
					+ "token-sha256 (the SHA-256 of a bearer token)");
		}
		if (!secrets.isEmpty() && token) {
			errors.add(setting + ": has both secrets and token-sha256; a source has one kind of credential");
		}
		Set<String> flows = new LinkedHashSet<>();
		for (int i = 0; i < settings.flows().size(); i++) {
			String flow = settings.flows().get(i).strip();
			if (flow.isEmpty()) {
				errors.add(setting + ".flows[" + i + "]: is blank");
			}
			flows.add(flow);
		}
		if (flows.isEmpty()) {
			errors.add(setting + ".flows: is empty; list the flows (flowName) the source may post for, or "
					+ WebhookSource.EVERY_FLOW + " for every flow");
		}
		List<byte[]> keys = keys(setting + ".secrets", secrets, errors);
		byte[] tokenSha256 = (token && hashedToken != null)
				? tokenSha256(setting + ".token-sha256", hashedToken, errors) : null;
		return new WebhookSource(name, keys, tokenSha256, flows);
	}

	private static List<byte[]> keys(String setting, List<String> secrets, List<String> errors) {
		List<byte[]> keys = new ArrayList<>();
		for (int i = 0; i < secrets.size(); i++) {
			String at = setting + "[" + i + "]";
			try {
				byte[] key = StandardWebhooks.key(secrets.get(i));
				if (key.length < MIN_KEY_BYTES) {
					errors.add(at + ": the key is " + key.length + " bytes, at least " + MIN_KEY_BYTES
							+ " are required (make one with: echo whsec_$(openssl rand -base64 32))");
				}
				keys.add(key);
			}
			catch (IllegalArgumentException ex) {
				errors.add(at + ": " + ex.getMessage());
			}
		}
		return keys;
	}

	private static byte @Nullable [] tokenSha256(String setting, String value, List<String> errors) {
		String hex = value.strip().toLowerCase(Locale.ROOT);
		if (hex.length() != 64 || !hex.chars().allMatch(HexFormat::isHexDigit)) {
			errors.add(setting + ": is not a SHA-256 as 64 hex digits; hash the token (at least " + MIN_KEY_BYTES
					+ " random bytes) with: printf %s \"$TOKEN\" | sha256sum");
			return null;
		}
		if (hex.equals(EMPTY_SHA256)) {
			errors.add(setting + ": is the SHA-256 of an empty token (was $TOKEN set when it was hashed?)");
			return null;
		}
		return HexFormat.of().parseHex(hex);
	}

	private static void checkDistinct(List<WebhookSource> sources, List<String> errors) {
		for (int i = 0; i < sources.size(); i++) {
			WebhookSource source = sources.get(i);
			for (int j = 0; j < i; j++) {
				WebhookSource other = sources.get(j);
				boolean sharedKey = source.keys()
					.stream()
					.anyMatch((key) -> other.keys().stream().anyMatch((k) -> MessageDigest.isEqual(k, key)));
				boolean sharedToken = source.tokenSha256() != null && other.tokenSha256() != null
						&& MessageDigest.isEqual(source.tokenSha256(), other.tokenSha256());
				if (sharedKey || sharedToken) {
					errors.add(setting(source) + ": " + (sharedKey ? "a secret" : "the token") + " of source '"
							+ source.name() + "' is also one of source '" + other.name()
							+ "'; each source needs a credential of its own");
				}
			}
		}
	}

	private static String setting(WebhookSource source) {
		if (source.tokenSha256() != null) {
			return PREFIX + ".sources." + source.name() + ".token-sha256";
		}
		return PREFIX + (DEFAULT.equals(source.name()) ? "" : ".sources." + source.name()) + ".secrets";
	}

	private static void checkDurations(Duration tolerance, Duration retention, List<String> errors) {
		if (tolerance.isNegative() || tolerance.isZero()) {
			errors.add(PREFIX + ".tolerance: must be positive, is " + tolerance);
		}
		else if (retention.compareTo(tolerance.multipliedBy(2)) <= 0) {
			// a timestamp may be up to the tolerance ahead of now when received, and is
			// accepted until the tolerance behind: the id must be remembered that long
			errors.add(PREFIX + ".delivery-retention (" + retention + ") must be longer than twice " + PREFIX
					+ ".tolerance (" + tolerance + "): a signed delivery can be replayed until twice the "
					+ "tolerance after it was received, and would be applied again once its id is forgotten");
		}
	}

	private static boolean present(String header) {
		return header != null && !header.isBlank();
	}

	/**
	 * Webhook settings that cannot be made safe.
	 */
	static final class InvalidSettingsException extends IllegalStateException {

		private final List<String> errors;

		InvalidSettingsException(List<String> errors) {
			super("Invalid webhook settings: " + String.join("; ", errors));
			this.errors = List.copyOf(errors);
		}

		/**
		 * What is wrong, one setting a line.
		 * @return the errors
		 */
		List<String> errors() {
			return this.errors;
		}

	}

}
