package io.captionflow.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * An external system that posts webhooks: its name, its credential (Standard Webhooks
 * keys, or the SHA-256 of a bearer token) and the flows it may post for.
 *
 * @param name the name; notifications it posts have the source {@code webhook:<name>}
 * @param keys the Standard Webhooks keys, empty for a token source
 * @param tokenSha256 the SHA-256 of the bearer token, null for a signing source
 * @param flows the flows it may post for, {@code *} for every flow
 */
record WebhookSource(String name, List<byte[]> keys, byte @Nullable [] tokenSha256, Set<String> flows) {

	/** The {@code flows} entry that allows every flow. */
	static final String EVERY_FLOW = "*";

	WebhookSource {
		keys = List.copyOf(keys);
		// in the order configured, as the 403 lists them
		flows = Collections.unmodifiableSet(new LinkedHashSet<>(flows));
	}

	/**
	 * Whether this source may post for a flow.
	 * @param flowName the flow
	 * @return true when allowed
	 */
	boolean allows(String flowName) {
		return this.flows.contains(EVERY_FLOW) || this.flows.contains(flowName);
	}

	/**
	 * The source recorded with the notifications this source posts.
	 * @return {@code webhook:<name>}
	 */
	String notificationSource() {
		return "webhook:" + this.name;
	}

	/**
	 * The key a delivery of this source is remembered by: two sources may use the same
	 * {@code webhook-id} without one's delivery answering for the other's. A digest keeps
	 * it within the column whatever the id's length.
	 * @param webhookId the {@code webhook-id}
	 * @return the key
	 */
	String deliveryKey(String webhookId) {
		return this.name + ":"
				+ Base64.getUrlEncoder()
					.withoutPadding()
					.encodeToString(sha256(webhookId.getBytes(StandardCharsets.UTF_8)));
	}

	static byte[] sha256(byte[] content) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(content);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
