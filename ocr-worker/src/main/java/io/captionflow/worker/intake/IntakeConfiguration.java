package io.captionflow.worker.intake;

import java.nio.file.Path;
import java.time.Clock;

import io.captionflow.events.Topics;
import io.captionflow.events.UnreadableEventException;
import io.captionflow.worker.WorkerProperties;
import io.captionflow.worker.frames.FrameRangeDecoder;
import io.captionflow.worker.frames.MediaLibrary;
import io.captionflow.worker.ocr.CaptionReader;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Wires the plain decoding, median and OCR classes, and the error handling of the request
 * listener: transient failures are retried in place with a fixed backoff, then the record
 * goes to the dead-letter topic with headers naming the failure; unreadable records go
 * there at once.
 */
@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

	@Bean
	MediaLibrary mediaLibrary(WorkerProperties properties) {
		return new MediaLibrary(properties.mediaRoot());
	}

	@Bean
	FrameRangeDecoder frameRangeDecoder() {
		return new FrameRangeDecoder();
	}

	@Bean(destroyMethod = "close")
	CaptionReader captionReader(WorkerProperties properties) {
		String tessdata = properties.tessdata();
		return new CaptionReader((tessdata != null && !tessdata.isBlank()) ? Path.of(tessdata) : null);
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	NewTopic ocrRequestsDeadLetterTopic(WorkerProperties properties) {
		return TopicBuilder.name(Topics.CAPTION_OCR_REQUESTS.deadLetterName())
			.partitions(properties.partitions())
			.build();
	}

	@Bean
	DefaultErrorHandler requestErrorHandler(KafkaOperations<Object, Object> kafka, WorkerProperties properties) {
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka);
		DefaultErrorHandler handler = new DefaultErrorHandler(recoverer,
				new FixedBackOff(properties.retryBackoff().toMillis(), Math.max(0, properties.retryAttempts() - 1)));
		handler.addNotRetryableExceptions(UnreadableEventException.class);
		return handler;
	}

}
