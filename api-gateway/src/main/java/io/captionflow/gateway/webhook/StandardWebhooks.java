package io.captionflow.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads requests signed as <a href="https://www.standardwebhooks.com/">Standard
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

	private final Duration tolerance;

	private final Clock clock;

	/**
	 * Creates a reader.
	 * @param tolerance how far a timestamp may be from now
	 * @param clock the clock
	 */
	StandardWebhooks(Duration tolerance, Clock clock) {
		this.tolerance = tolerance;
		this.clock = clock;
	}

	/**
	 * Decodes a secret.
	 * @param secret {@code whsec_} and base64 (the prefix may be left out)
	 * @return the key
	 * @throws IllegalArgumentException for a secret that is not base64, or empty
	 */
	static byte[] key(String secret) {
		String stripped = secret.strip();
		String encoded = stripped.startsWith(SECRET_PREFIX) ? stripped.substring(SECRET_PREFIX.length()) : stripped;
		byte[] key;
		try {
			key = Base64.getDecoder().decode(encoded);
		}
		catch (IllegalArgumentException ex) {
			key = new byte[0];
		}
		if (key.length == 0) {
			throw new IllegalArgumentException("is not whsec_ followed by base64");
		}
		return key;
	}

	/**
	 * Reads the signature headers of a request.
	 * @param id the {@code webhook-id} header
	 * @param timestamp the {@code webhook-timestamp} header, Unix seconds
	 * @param signatures the {@code webhook-signature} header
	 * @param body the body as received
	 * @return the request, to check against keys
	 * @throws WebhookAuthenticationException when a header is missing or the timestamp is
	 * out of tolerance
	 */
	Signed read(String id, String timestamp, String signatures, byte[] body) {
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
		long tolerance = this.tolerance.toSeconds();
		// compared without a difference that could wrap (a timestamp near Long.MIN_VALUE)
		if (seconds < now - tolerance || seconds > now + tolerance) {
			throw new WebhookAuthenticationException("the " + TIMESTAMP + " header is "
					+ ((seconds < now) ? "more than " + tolerance + " s in the past"
							: "more than " + tolerance + " s in the future")
					+ ", beyond the " + tolerance + " s tolerated");
		}
		List<byte[]> given = new ArrayList<>();
		for (String signature : signatures.strip().split(" +")) {
			int comma = signature.indexOf(',');
			if (comma < 0 || !"v1".equals(signature.substring(0, comma))) {
				continue;
			}
			try {
				given.add(Base64.getDecoder().decode(signature.substring(comma + 1)));
			}
			catch (IllegalArgumentException ex) {
				// not base64: matches no key
			}
		}
		return new Signed(concat((id + "." + timestamp.strip() + ".").getBytes(StandardCharsets.UTF_8), body), given);
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
	 * A request whose headers are complete and whose timestamp is within tolerance, not
	 * yet known to be signed by any key.
	 */
	static final class Signed {

		private final byte[] content;

		private final List<byte[]> signatures;

		private Signed(byte[] content, List<byte[]> signatures) {
			this.content = content;
			this.signatures = signatures;
		}

		/**
		 * Whether one of the request's v1 signatures is by the key. Every signature is
		 * compared, each in constant time.
		 * @param key the key
		 * @return true when signed with it
		 */
		boolean signedWith(byte[] key) {
			byte[] expected = hmac(key, this.content);
			boolean signed = false;
			for (byte[] signature : this.signatures) {
				signed |= MessageDigest.isEqual(expected, signature);
			}
			return signed;
		}

	}

}
