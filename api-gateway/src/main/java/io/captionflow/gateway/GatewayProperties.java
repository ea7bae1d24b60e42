package io.captionflow.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.captionflow.events.WorkLimits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the API gateway.
 *
 * @param dataDir folder of the gateway's own files (the H2 database by default)
 * @param mediaRoot folder videos live in; video media locations are relative to it
 * @param importManifests whether to register, at start-up, every video whose
 * {@code *.video.json} manifest is found under the media root and that is not registered
 * yet
 * @param topicPartitions partitions of the topics the gateway creates when missing
 * @param maxRequestBody the largest request body accepted
 * @param limits how much work one video or caption may cause, checked before anything is
 * stored or queued
 * @param outbox how the outbox relay publishes
 * @param sse how Server-Sent Event streams behave
 * @param notifications how the notification log is numbered, kept and pruned
 * @param webhooks how incoming webhooks are authenticated
 * @param security who may call the API and open the pages
 * @param admission how much one client, and all of them together, may ask of this
 * instance: event streams, writes, replays from the log, and the time a connection may
 * take to send its request
 */
@ConfigurationProperties("captionflow.gateway")
public record GatewayProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("./data/media") Path mediaRoot,
		@DefaultValue("true") boolean importManifests, @DefaultValue("6") int topicPartitions,
		@DefaultValue("64KB") DataSize maxRequestBody, @DefaultValue Limits limits,
		@DefaultValue("30s") Duration applyTimeout, @DefaultValue Outbox outbox, @DefaultValue Sse sse,
		@DefaultValue Sweep sweep, @DefaultValue Notifications notifications, @DefaultValue Webhooks webhooks,
		@DefaultValue Security security, @DefaultValue Admission admission) {

	/**
	 * Bounds on the work one video or one caption may cause. The workers check the same
	 * bounds again on every request they take (configure both alike).
	 *
	 * @param maxWidth widest video frame accepted, in pixels
	 * @param maxHeight tallest video frame accepted, in pixels
	 * @param maxDuration longest video accepted
	 * @param maxFps highest frame rate accepted
	 * @param maxCropPixels largest caption box, in pixels
	 * @param maxCaptionFrames the longest caption, in frames, a save may ask OCR for
	 * @param maxDecodedFrames the most frames a worker decodes for one caption, the
	 * pre-roll from the keyframe included (checked by the workers)
	 * @param medianFrames the most frames in one median (the workers' sample size)
	 * @param maxDecodedBytes the most cropped-frame bytes one caption may hold:
	 * {@code medianFrames x crop pixels}
	 * @param maxLanguages the most Tesseract languages one video may combine
	 * @param languages the OCR languages a video may use; empty means those installed on
	 * this host (TESSDATA_PREFIX and Debian's tesseract-ocr-* folders) and {@code eng},
	 * which the workers carry
	 * @param maxManifestSize the largest {@code *.video.json} manifest imported
	 * @param maxManifestCaptions the most predicted captions one manifest may hold
	 * @param probeTimeout the longest FFmpeg may take to read a new video's facts
	 * @param probeSize the most bytes FFmpeg reads to find a video's streams (as the
	 * workers' {@code decode.probe-size})
	 */
	public record Limits(@DefaultValue("7680") int maxWidth, @DefaultValue("4320") int maxHeight,
			@DefaultValue("12h") Duration maxDuration, @DefaultValue("240") double maxFps,
			@DefaultValue("4194304") long maxCropPixels, @DefaultValue("3000") int maxCaptionFrames,
			@DefaultValue("4000") int maxDecodedFrames, @DefaultValue("64") int medianFrames,
			@DefaultValue("256MB") DataSize maxDecodedBytes, @DefaultValue("4") int maxLanguages,
			@DefaultValue List<String> languages, @DefaultValue("16MB") DataSize maxManifestSize,
			@DefaultValue("100000") int maxManifestCaptions, @DefaultValue("20s") Duration probeTimeout,
			@DefaultValue("5MB") DataSize probeSize) {

		/**
		 * The limits as the checks shared with the workers take them.
		 * @return the work limits
		 */
		public WorkLimits work() {
			return new WorkLimits(this.maxWidth, this.maxHeight, this.maxDuration, this.maxFps, this.maxCropPixels,
					this.maxCaptionFrames, this.maxDecodedFrames, this.medianFrames, this.maxDecodedBytes.toBytes(),
					this.maxLanguages);
		}

	}

	/**
	 * The sweep of captions whose OCR seems lost: queued or processing with no sign of
	 * life for {@code stuckAfter}, they are queued again, and after {@code maxAttempts}
	 * requests end in error.
	 *
	 * @param interval how often the sweep runs
	 * @param stuckAfter how long a caption may stay queued or processing without news
	 * @param maxAttempts OCR requests per save before the caption ends in error
	 */
	public record Sweep(@DefaultValue("30s") Duration interval, @DefaultValue("5m") Duration stuckAfter,
			@DefaultValue("3") int maxAttempts) {
	}

	/**
	 * Outbox relay settings.
	 *
	 * @param pollInterval how often the relay looks for rows when nothing woke it
	 * @param batchSize the most rows published in one round
	 * @param minBackoff first pause after a failed round
	 * @param maxBackoff longest pause between rounds while the broker is unreachable
	 */
	public record Outbox(@DefaultValue("1s") Duration pollInterval, @DefaultValue("200") int batchSize,
			@DefaultValue("200ms") Duration minBackoff, @DefaultValue("10s") Duration maxBackoff) {
	}

	/**
	 * Server-Sent Events settings.
	 *
	 * @param heartbeat interval of the heartbeat comment that keeps proxies from closing
	 * idle streams
	 * @param retry reconnection delay suggested to clients in the stream's {@code retry:}
	 * field
	 * @param clientBuffer the most events waiting for one client; a client that falls
	 * further behind is disconnected (it reconnects and resumes after its last event id)
	 * @param replayBuffer the newest notifications each instance keeps in memory to
	 * replay to reconnecting clients; older ones are read from the database
	 */
	public record Sse(@DefaultValue("15s") Duration heartbeat, @DefaultValue("1s") Duration retry,
			@DefaultValue("1000") int clientBuffer, @DefaultValue("10000") int replayBuffer) {
	}

	/**
	 * The notification log.
	 *
	 * @param pollInterval how often an instance looks in the log for notifications it has
	 * not seen (those appended through another instance arrive by Kafka at once; this is
	 * the fallback while Kafka is away)
	 * @param batchSize the most notifications numbered or read in one round
	 * @param retainCount the newest notifications kept however old
	 * @param retainAge how long a notification is kept, beyond the newest
	 * {@code retainCount}
	 * @param pruneInterval how often older notifications and webhook deliveries are
	 * pruned
	 */
	public record Notifications(@DefaultValue("1s") Duration pollInterval, @DefaultValue("500") int batchSize,
			@DefaultValue("100000") long retainCount, @DefaultValue("7d") Duration retainAge,
			@DefaultValue("1m") Duration pruneInterval) {
	}

	/**
	 * Incoming webhooks. Each external system that posts them is a source with its own
	 * credential and the flows it may post for; a request is from the source whose
	 * credential it carries. Unsigned requests are accepted only on a loopback bind with
	 * no source configured, unless {@code allowUnsigned}.
	 *
	 * @param sources the external systems that may post webhooks, by name (lowercase
	 * letters, digits and dashes); a notification they post has the source
	 * {@code webhook:<name>}
	 * @param secrets Standard Webhooks secrets of the source named {@code default}, which
	 * may post for every flow: the setting from before sources, still honoured
	 * @param allowUnsigned whether to accept unsigned requests where they would be
	 * refused: on a bind other than loopback, or with a source configured (anyone who
	 * reaches the gateway can then post for every flow, as source
	 * {@code webhook:unsigned})
	 * @param tolerance how far a request's {@code webhook-timestamp} may be from now,
	 * either way
	 * @param deliveryRetention how long a {@code webhook-id} is remembered, to answer a
	 * redelivery with its original outcome; longer than twice the tolerance, so that a
	 * delivery is remembered for as long as its signature can be replayed
	 */
	public record Webhooks(@DefaultValue Map<String, Source> sources, @DefaultValue List<String> secrets,
			@DefaultValue("false") boolean allowUnsigned, @DefaultValue("300s") Duration tolerance,
			@DefaultValue("24h") Duration deliveryRetention) {

		/**
		 * One external system that posts webhooks, with one kind of credential:
		 * {@code secrets} or {@code tokenSha256}.
		 *
		 * @param secrets Standard Webhooks signing secrets ({@code whsec_} and base64, at
		 * least 24 bytes decoded); a request signed with any of them is from this source,
		 * so a secret can be rotated
		 * @param tokenSha256 for a sender that cannot sign (a stock Prefect webhook
		 * block): the SHA-256, as 64 hex digits, of the token it sends as
		 * {@code Authorization: Bearer <token>} (at least 24 random bytes); the token
		 * itself is not stored
		 * @param flows the flows ({@code flowName}) this source may post for, {@code *}
		 * for every flow
		 */
		public record Source(@DefaultValue List<String> secrets, String tokenSha256, @DefaultValue List<String> flows) {
		}

	}

	/**
	 * Abuse limits. A refused request is answered with 429 (this client asked too much)
	 * or 503 (the instance is full), a {@code Retry-After} header and a problem body,
	 * before any work is done for it. Clients are told apart by their address as the
	 * server sees it ({@code server.forward-headers-strategy} makes that the
	 * {@code X-Forwarded-For} address behind a trusted proxy); an IPv6 client by its /64
	 * prefix, which one host usually holds whole.
	 *
	 * @param streams how many event streams are held at once
	 * @param writes the rate of writes (POST, PUT, PATCH, DELETE under {@code /api/}) per
	 * client address
	 * @param webhooks the rate of requests to {@code /api/webhooks/**} per client
	 * address, a bucket apart from the writes'
	 * @param signIns the rate of sign-ins ({@code /oauth2/authorization/**} and the
	 * login's return) per client address: each makes a session, which the instance holds
	 * in memory
	 * @param replays how many reconnecting clients are replayed from the notification log
	 * at once, and how far back
	 * @param timeouts how long the server waits for a connection's request
	 */
	public record Admission(@DefaultValue Streams streams, @DefaultValue Rate writes, @DefaultValue Rate webhooks,
			@DefaultValue SignInRate signIns, @DefaultValue Replays replays, @DefaultValue Timeouts timeouts) {

	}

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
	public record Streams(Integer maxTotal, @DefaultValue("1000") int fileReserve,
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

	/**
	 * Who may call the API and open the pages.
	 *
	 * @param mode {@code none}: no authentication, allowed only while the gateway binds a
	 * loopback address ({@code server.address}); {@code oauth2}: API clients send bearer
	 * JWTs of the configured issuer and the pages sign in with OAuth2 login
	 * @param scopes the scope (or role) names that grant each permission
	 * @param rolesClaim a claim of the access token (API clients) or ID token (pages)
	 * holding role names that grant permissions like scopes do, a dotted path into nested
	 * claims ({@code realm_access.roles} for Keycloak, {@code roles} for Entra ID); empty
	 * for scopes only
	 * @param allowedHosts the host names requests may be addressed to ({@code Host}),
	 * against DNS rebinding; empty means the loopback names on a loopback bind, and any
	 * name on another bind
	 * @param allowedOrigins origins besides the gateway's own whose browsers may call it
	 * ({@code Origin}, e.g. {@code https://captions.example.com}); a request from any
	 * other origin is refused
	 */
	public record Security(@DefaultValue("none") SecurityMode mode, @DefaultValue Scopes scopes, String rolesClaim,
			@DefaultValue List<String> allowedHosts, @DefaultValue List<String> allowedOrigins) {

		/**
		 * The scope or role names that grant each permission. Annotating and
		 * administering each include reading.
		 *
		 * @param read videos, captions, stats, media, the event stream and the
		 * notification log
		 * @param annotate create, save and delete captions and their text
		 * @param admin register and change videos, and the actuator beyond health
		 */
		public record Scopes(@DefaultValue("captionflow.read") String read,
				@DefaultValue("captionflow.annotate") String annotate,
				@DefaultValue("captionflow.admin") String admin) {
		}

	}

	/**
	 * How the gateway authenticates its callers.
	 */
	public enum SecurityMode {

		/** Nobody is authenticated: for a gateway on a loopback address only. */
		NONE,

		/** Bearer JWTs for API clients, OAuth2 login for the pages. */
		OAUTH2

	}

}
