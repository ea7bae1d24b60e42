package io.captionflow.gateway.notify;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How notifications are numbered, kept and streamed.
 *
 * @param sse how Server-Sent Event streams behave
 * @param notifications how the notification log is numbered, kept and pruned
 */
@ConfigurationProperties("captionflow.gateway")
public record NotifyProperties(@DefaultValue Sse sse, @DefaultValue Notifications notifications) {
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
	 * @param sendBuffer the socket send buffer of a stream's connection (the kernel
	 * allots twice this); without a bound the operating system grows it to several
	 * megabytes (4 MB on Linux), which a client that stops reading holds in kernel memory
	 * and which delays its cut-off by as many events; {@code 0} leaves it to the
	 * operating system
	 */
	public record Sse(@DefaultValue("15s") Duration heartbeat, @DefaultValue("1s") Duration retry,
			@DefaultValue("1000") int clientBuffer, @DefaultValue("10000") int replayBuffer,
			@DefaultValue("64KB") DataSize sendBuffer) {

		public Sse {
			if (sendBuffer.isNegative() || sendBuffer.toBytes() > Integer.MAX_VALUE) {
				throw new IllegalArgumentException(
						"captionflow.gateway.sse.send-buffer must be between 0 and 2GB, not " + sendBuffer);
			}
		}

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
	 * @param maxWait the longest a committed notification may wait for its id before the
	 * sequencer's health says it is {@code overdue}
	 */
	public record Notifications(@DefaultValue("1s") Duration pollInterval, @DefaultValue("500") int batchSize,
			@DefaultValue("100000") long retainCount, @DefaultValue("7d") Duration retainAge,
			@DefaultValue("1m") Duration pruneInterval, @DefaultValue("5m") Duration maxWait) {
	}

}
