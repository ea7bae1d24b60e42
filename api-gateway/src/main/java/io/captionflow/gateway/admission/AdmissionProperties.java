package io.captionflow.gateway.admission;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Abuse limits. A refused request is answered with 429 (this client asked too much) or
 * 503 (the instance is full), a {@code Retry-After} header and a problem body, before any
 * work is done for it. Clients are told apart by their address as the server sees it
 * ({@code server.forward-headers-strategy} makes that the {@code X-Forwarded-For} address
 * behind a trusted proxy); an IPv6 client by its /64 prefix, which one host usually holds
 * whole.
 *
 * @param streams how many event streams are held at once
 * @param writes the rate of writes (POST, PUT, PATCH, DELETE under {@code /api/}) per
 * client address
 * @param webhooks the rate of requests to {@code /api/webhooks/**} per client address, a
 * bucket apart from the writes'
 * @param signIns the rate of sign-ins ({@code /oauth2/authorization/**} and the login's
 * return) per client address: each makes a session, which the instance holds in memory
 * @param replays how many reconnecting clients are replayed from the notification log at
 * once, and how far back
 * @param timeouts how long the server waits for a connection's request
 */
@ConfigurationProperties("captionflow.gateway.admission")
public record AdmissionProperties(@DefaultValue Streams streams, @DefaultValue Rate writes, @DefaultValue Rate webhooks,
		@DefaultValue SignInRate signIns, @DefaultValue Replays replays, @DefaultValue Timeouts timeouts) {

	/**
	 * Concurrent Server-Sent Event streams.
	 *
	 * @param maxTotal the most streams this instance holds; by default this process's
	 * open-file limit less {@code fileReserve} (each stream holds a socket)
	 * @param fileReserve the open files kept, by default, for everything but streams:
	 * jars, the database, Kafka, media and API requests
	 * @param maxPerAddress the most streams one client address holds: a browser holds one
	 * (its tabs share it), so an office behind one NAT address stays well under it, while
	 * one client cannot take more than a small part of {@code maxTotal}
	 * @param retryAfter the {@code Retry-After} of a refused stream
	 */
	public record Streams(@Nullable Integer maxTotal, @DefaultValue("1000") int fileReserve,
			@DefaultValue("200") int maxPerAddress, @DefaultValue("10s") Duration retryAfter) {

		/**
		 * The most streams in total.
		 * @param openFileLimit this process's open-file limit, or a negative number when
		 * it is unknown
		 * @return {@code maxTotal} when set, else the limit less the reserve (at least
		 * one), else 10,000
		 */
		public int maxTotal(long openFileLimit) {
			if (this.maxTotal != null) {
				return this.maxTotal;
			}
			if (openFileLimit < 0) {
				return 10_000;
			}
			return (int) Math.max(1, Math.min(Integer.MAX_VALUE, openFileLimit - this.fileReserve));
		}

	}

	/**
	 * A token bucket per client address: {@code burst} requests at once, then
	 * {@code perSecond} a second. The defaults, 100 a second and 500 at once, are far
	 * above what an office of annotators (or an orchestrator's webhooks) behind one
	 * address sends, and bound what one client can make the database and Kafka do.
	 *
	 * @param perSecond requests a second, sustained
	 * @param burst requests at once, after a quiet spell
	 * @param maxAddresses the most client addresses remembered; beyond it the one heard
	 * from least recently is forgotten (an address quiet long enough to have a full
	 * bucket again is forgotten anyway)
	 */
	public record Rate(@DefaultValue("100") double perSecond, @DefaultValue("500") int burst,
			@DefaultValue("100000") int maxAddresses) {
	}

	/**
	 * A token bucket per client address for sign-ins: {@code burst} at once, then
	 * {@code perSecond} a second; a person signs in a few times a day.
	 *
	 * @param perSecond sign-ins a second, sustained
	 * @param burst sign-ins at once, after a quiet spell
	 * @param maxAddresses the most client addresses remembered
	 */
	public record SignInRate(@DefaultValue("1") double perSecond, @DefaultValue("30") int burst,
			@DefaultValue("100000") int maxAddresses) {

		/**
		 * The rate as the other buckets take it.
		 * @return the rate
		 */
		public Rate rate() {
			return new Rate(this.perSecond, this.burst, this.maxAddresses);
		}

	}

	/**
	 * Replays from the notification log, for reconnecting clients further behind than the
	 * in-memory replay buffer.
	 *
	 * @param maxConcurrent the most replays reading the log at once; a client beyond them
	 * is refused with 503 (each replay holds a database connection while it reads a page,
	 * and the application's requests need the others); 0 replays none from the log
	 * @param maxLength the most notifications a client may be behind to be replayed; one
	 * further behind gets the {@code reset} event (fetch everything again) instead of a
	 * scan of the log
	 * @param retryAfter the {@code Retry-After} of a refused replay
	 */
	public record Replays(@DefaultValue("4") int maxConcurrent, @DefaultValue("20000") long maxLength,
			@DefaultValue("5s") Duration retryAfter) {
	}

	/**
	 * HTTP server timeouts.
	 *
	 * @param headerRead the longest a connection may take to send a request's line and
	 * headers, from when it opens or from the first bytes of a next request; past it the
	 * connection is closed, however slowly bytes trickle in
	 * @param bodyRead the longest a request's body may take to arrive once its headers
	 * have: past it the request is answered 408 and the connection closed (a body a byte
	 * at a time would hold the connection for ever)
	 * @param idle the longest a keep-alive connection may sit with no request and nothing
	 * read or written; an open event stream is a request in progress, never idle. Zero
	 * turns either off.
	 */
	public record Timeouts(@DefaultValue("20s") Duration headerRead, @DefaultValue("30s") Duration bodyRead,
			@DefaultValue("60s") Duration idle) {
	}

}
