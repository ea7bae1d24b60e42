package io.captionflow.gateway.trace;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The trace a change belongs to, kept where its context cannot travel by itself. A save
 * writes its outbox row in the trace of its HTTP request, but the relay publishes the row
 * later, on a thread of its own: the row keeps the request's W3C {@code traceparent}, and
 * the relay publishes it in a span continuing that trace, so the worker's spans and the
 * result's join the save's trace. A notification keeps the trace id of the change that
 * made it, so the record a browser receives names it.
 * <p>
 * Reactive chains find the trace in their Reactor context: WebFlux puts the HTTP
 * request's observation there, and a listener puts its record's with
 * {@link #within(Mono)}. Without a tracer (tracing disabled) there is no trace and
 * nothing is recorded.
 */
@Component
public class Traces {

	/** The W3C trace context header. */
	static final String TRACEPARENT = "traceparent";

	/** The longest {@code traceparent} kept: version 00 has 55 characters. */
	public static final int MAX_TRACEPARENT = 128;

	private final ObservationRegistry observations;

	private final @Nullable Tracer tracer;

	private final @Nullable Propagator propagator;

	Traces(ObservationRegistry observations, ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
		this.observations = observations;
		this.tracer = tracer.getIfAvailable();
		this.propagator = propagator.getIfAvailable();
	}

	/**
	 * The trace of the chain this is subscribed in.
	 * @return the trace, or empty when the chain runs in no traced observation
	 */
	public Mono<Optional<Trace>> current() {
		return Mono.deferContextual((context) -> Mono.just(Optional
			.ofNullable(of(context.<@Nullable Observation>getOrDefault(ObservationThreadLocalAccessor.KEY, null)))));
	}

	/**
	 * Lets a chain subscribed later, on other threads, find the trace of the observation
	 * current on this thread (a listener's record).
	 * @param work the chain
	 * @param <T> its element type
	 * @return the chain in the current observation
	 */
	public <T> Mono<T> within(Mono<T> work) {
		Observation current = this.observations.getCurrentObservation();
		return (current != null)
				? work.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, current)) : work;
	}

	/**
	 * Runs asynchronous work in a span that continues a trace recorded earlier, such as
	 * the save's whose outbox row is published: what the work traces (a Kafka send) is
	 * part of that trace. The span starts when the trace was recorded, so it shows how
	 * long the work waited, and ends when the work completes.
	 * @param traceparent the recorded W3C {@code traceparent}, or null for none: the work
	 * runs in no span of its own
	 * @param name the span's name
	 * @param since when the trace was recorded
	 * @param work the work
	 * @param <T> its result
	 * @return the work's completion
	 */
	@SuppressWarnings("try") // the scope makes the span current while the work starts
	public <T> CompletableFuture<T> continuing(@Nullable String traceparent, String name, Instant since,
			Supplier<CompletableFuture<T>> work) {
		Tracer tracer = this.tracer;
		Propagator propagator = this.propagator;
		if (traceparent == null || tracer == null || propagator == null) {
			return work.get();
		}
		// an unreadable value starts a trace of its own (the propagator checks it)
		Span span = propagator.extract(Map.of(TRACEPARENT, traceparent), (carrier, key) -> carrier.get(key))
			.name(name)
			.startTimestamp(since.toEpochMilli(), TimeUnit.MILLISECONDS)
			.start();
		CompletableFuture<T> done;
		try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
			done = work.get();
		}
		catch (RuntimeException ex) {
			span.error(ex);
			span.end();
			throw ex;
		}
		return done.whenComplete((result, failure) -> {
			if (failure != null) {
				span.error(failure);
			}
			span.end();
		});
	}

	private @Nullable Trace of(@Nullable Observation observation) {
		Propagator propagator = this.propagator;
		if (observation == null || propagator == null) {
			return null;
		}
		TracingObservationHandler.TracingContext tracing = observation.getContextView()
			.get(TracingObservationHandler.TracingContext.class);
		Span span = (tracing != null) ? tracing.getSpan() : null;
		if (span == null || span.isNoop()) {
			return null;
		}
		Map<String, String> headers = new HashMap<>();
		propagator.inject(span.context(), headers, (carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		});
		String traceparent = headers.get(TRACEPARENT);
		return new Trace(span.context().traceId(),
				(traceparent != null && traceparent.length() <= MAX_TRACEPARENT) ? traceparent : null);
	}

	/**
	 * A trace as a change records it.
	 *
	 * @param traceId the trace id, 32 hex digits
	 * @param traceparent the W3C {@code traceparent} of the span the change was made in,
	 * or null when the propagation in use writes none
	 */
	public record Trace(String traceId, @Nullable String traceparent) {
	}

}
