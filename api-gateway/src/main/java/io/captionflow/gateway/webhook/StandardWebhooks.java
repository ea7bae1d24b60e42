package io.captionflow.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies requests signed as <a href="https://www.standardwebhooks.com/">Standard
 * Webhooks</a> v1: an HMAC-SHA256 of {@code webhook-id.webhook-timestamp.body} with a
 * {@code whsec_} secret, given base64 in {@code webhook-signature} as {@code v1,<sig>}
 * (several, space-separated, while keys rotate), with a timestamp within the tolerance of
 * now, either way.
 */
final class StandardWebhooks {

	static final String ID = "webhook-id";

	static final String TIMESTAMP = "webhook-timestamp";

	static final String SIGNATURE = "webhook-signature";

	private static final String SECRET_PREFIX = "whsec_";

	private static final String ALGORITHM = "HmacSHA256";

	private final List<byte[]> keys;

	private final Duration tolerance;

	private final Clock clock;

	/**
	 * Creates a verifier.
	 * @param secrets the accepted secrets, {@code whsec_} and base64 (the prefix may be
	 * left out); none to accept unsigned requests
	 * @param tolerance how far a timestamp may be from now
	 * @param clock the clock
	 * @throws IllegalArgumentException for a secret that is not base64
	 */
	StandardWebhooks(List<String> secrets, Duration tolerance, Clock clock) {
		this.keys = secrets.stream().map(String::strip).filter((secret) -> !secret.isEmpty()).map((secret) -> {
			String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
			byte[] key;
			try {
				key = Base64.getDecoder().decode(encoded);
			}
			catch (IllegalArgumentException ex) {
				key = new byte[0];
			}
			if (key.length == 0) {
				throw new IllegalArgumentException(
						"captionflow.gateway.webhooks.secrets: a secret is not whsec_ followed by base64");
			}
			return key;
		}).toList();
		this.tolerance = tolerance;
		this.clock = clock;
	}

	/**
	 * Whether requests must be signed.
	 * @return true when a secret is configured
	 */
	boolean required() {
		return !this.keys.isEmpty();
	}

	/**
	 * Verifies a request.
	 * @param id the {@code webhook-id} header
	 * @param timestamp the {@code webhook-timestamp} header, Unix seconds
	 * @param signatures the {@code webhook-signature} header
	 * @param body the body as received
	 * @throws WebhookAuthenticationException when the request is not signed by a
	 * configured secret or its timestamp is out of tolerance
	 */
	void verify(String id, String timestamp, String signatures, byte[] body) {
		if (id == null || id.isBlank()) {
			throw new WebhookAuthenticationException("the " + ID + " header is missing");
		}
		if (timestamp == null || timestamp.isBlank()) {
			throw new WebhookAuthenticationException("the " + TIMESTAMP + " header is missing");
		}
		if (signatures == null || signatures.isBlank()) {
			throw new WebhookAuthenticationException("the " + SIGNATURE + " header is missing");
		}
		long seconds;
		try {
			seconds = Long.parseLong(timestamp.strip());
		}
		catch (NumberFormatException ex) {
			throw new WebhookAuthenticationException("the " + TIMESTAMP + " header is not Unix seconds");
		}
		long now = this.clock.instant().getEpochSecond();
		if (Math.abs(now - seconds) > this.tolerance.toSeconds()) {
			throw new WebhookAuthenticationException("the " + TIMESTAMP + " header is " + (now - seconds)
					+ " s from now, more than the " + this.tolerance.toSeconds() + " s tolerated");
		}
		byte[] signed = concat((id + "." + timestamp.strip() + ".").getBytes(StandardCharsets.UTF_8), body);
		for (byte[] key : this.keys) {
			byte[] expected = hmac(key, signed);
			for (String signature : signatures.strip().split(" +")) {
				int comma = signature.indexOf(',');
				if (comma < 0 || !"v1".equals(signature.substring(0, comma))) {
					continue;
				}
				byte[] given;
				try {
					given = Base64.getDecoder().decode(signature.substring(comma + 1));
				}
				catch (IllegalArgumentException ex) {
					continue;
				}
				if (MessageDigest.isEqual(expected, given)) {
					return;
				}
			}
		}
		throw new WebhookAuthenticationException(
				"no v1 signature in the " + SIGNATURE + " header matches the body with a configured secret");
	}

	private static byte[] hmac(byte[] key, byte[] content) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(key, ALGORITHM));
			return mac.doFinal(content);
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] joined = new byte[a.length + b.length];
		System.arraycopy(a, 0, joined, 0, a.length);
		System.arraycopy(b, 0, joined, a.length, b.length);
		return joined;
	}

	/**
	 * A webhook request that is not authentic; answered with 401.
	 */
	static final class WebhookAuthenticationException extends RuntimeException {

		WebhookAuthenticationException(String message) {
			super(message);
		}

	}

}
