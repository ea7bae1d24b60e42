/**
 * The notification log and its push to browsers: every status change appended once,
 * fanned out to every gateway instance over Kafka, and streamed to SSE clients.
 * <p>
 * One path takes a notification to clients: {@link NotificationLog} appends it within the
 * change's transaction, the {@link NotificationSequencer} numbers it once committed,
 * {@link NotificationTail#offer} passes on the next id and only it, and
 * {@link NotificationHub#publish} hands it to the connection threads of the subscribers
 * that follow its video. What the tail is offered is always read from the numbered log,
 * by one of two: this instance's sequencer, with what it just numbered (so a save here
 * reaches this instance's clients without a further read), or the
 * {@link NotificationFeed}, which reads the log after the tail every poll interval, on a
 * gap, and when {@link NotificationListener} hears on the video-notifications topic that
 * another instance numbered one (a hint only: the record itself is never passed on).
 * <p>
 * A client that reconnects is given what it missed by {@link EventStreams}, from the
 * tail's window or from the log, or told to {@code reset}, as the tail decides; every
 * frame on the wire is encoded by {@link SseFrames}.
 * <p>
 * An event id ({@link EventId}) is {@code <epoch>-<number>}: numbers count only within
 * the log's epoch ({@link NotificationEpochs}), which changes when the log went back (a
 * restore, a failover, a lost write), as the sequencer finds by {@link LogLineage} before
 * it numbers, or a client resuming ahead of the log shows. Every read of the log reads
 * its epoch, so each instance's tail moves to a new one at its next read and resets its
 * clients.
 */
@ApplicationModule(allowedDependencies = { "outbox", "messaging", "background", "admission", "trace", "web" })
@NullMarked
package io.captionflow.gateway.notify;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
