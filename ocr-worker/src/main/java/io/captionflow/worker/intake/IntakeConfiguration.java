package io.captionflow.worker.intake;

import java.nio.file.Path;
import java.time.Clock;

import io.captionflow.events.Topics;
import io.captionflow.events.UnreadableEventException;
import io.captionflow.worker.WorkerProperties;
import io.captionflow.worker.frames.DecoderProcessPool;
import io.captionflow.worker.frames.MediaLibrary;
import io.captionflow.worker.ocr.CaptionReader;
import io.captionflow.worker.ocr.TessdataFolders;
import io.captionflow.worker.ocr.process.OcrProcessPool;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * Wires the plain decoding, median and OCR classes, and the error handling of the request
 * listener.
 * <p>
 * Retries are in place, with exponential backoff, rather than through retry topics: the
 * only failures retried are the worker's own (the outcome could not be published, no OCR
 * process could be had), which a later attempt in a second or two usually overcomes, and
 * retrying in place keeps the requests of one video in order. After the last attempt the
 * record goes to the dead-letter topic, with spring-kafka's headers naming the exception,
 * its message and the original topic, partition and offset; the gateway then ends the
 * caption in error. Records that cannot be read at all go there at once.
 * <p>
 * The handler ends every failure of a request's own in an ERROR completion, errors such
 * as {@link OutOfMemoryError} included, and throws anything else as a
 * {@link RuntimeException}: spring-kafka hands an {@link Error} thrown by a listener to
 * no error handler but stops the container with it, which would leave the record
 * uncommitted and stop every later start on it.
 */
@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

	@Bean
	MediaLibrary mediaLibrary(WorkerProperties properties) {
		return new MediaLibrary(properties.mediaRoot());
	}

	/**
	 * Decoding runs in child processes: videos are untrusted input, and a crash of FFmpeg
	 * must cost one caption, not the worker.
	 * @param properties the worker settings
	 * @return the decoder processes
	 */
	@Bean(initMethod = "start", destroyMethod = "close")
	DecoderProcessPool decoderProcessPool(WorkerProperties properties) {
		WorkerProperties.Decode decode = properties.decode();
		return new DecoderProcessPool(new DecoderProcessPool.Settings(decode.processes(), properties.decodeTimeout(),
				decode.startTimeout(), properties.decoderHeapMegabytes(), properties.decoderOptions()));
	}

	@Bean
	TessdataFolders tessdataFolders(WorkerProperties properties) {
		String tessdata = properties.tessdata();
		return (tessdata != null && !tessdata.isBlank()) ? new TessdataFolders(Path.of(tessdata))
				: new TessdataFolders();
	}

	@Bean(initMethod = "start", destroyMethod = "close")
	OcrProcessPool ocrProcessPool(WorkerProperties properties, TessdataFolders folders) {
		WorkerProperties.Ocr ocr = properties.ocr();
		return new OcrProcessPool(
				new OcrProcessPool.Settings(ocr.processes(), ocr.timeout(), ocr.startTimeout(), ocr.maxHeap()),
				folders);
	}

	@Bean
	CaptionReader captionReader(OcrProcessPool pool) {
		return new CaptionReader(pool);
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	NewTopic ocrRequestsDeadLetterTopic(WorkerProperties properties) {
		TopicBuilder topic = TopicBuilder.name(Topics.CAPTION_OCR_REQUESTS.deadLetterName())
			.partitions(properties.partitions());
		Integer replicas = properties.topicReplicationFactor();
		if (replicas != null) {
			topic.replicas(replicas);
		}
		Integer minInsync = properties.topicMinInsyncReplicas();
		if (minInsync != null) {
			topic.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync.toString());
		}
		return topic.build();
	}

	/**
	 * A stopping worker lets the caption in hand finish for up to the shutdown timeout
	 * (the application context waits as long, through
	 * {@code spring.lifecycle.timeout-per-shutdown-phase}).
	 * @param properties the worker settings
	 * @return the customizer of the request listener's container
	 */
	@Bean
	ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> shutdownTimeout(
			WorkerProperties properties) {
		return (container) -> container.getContainerProperties()
			.setShutdownTimeout(properties.shutdownTimeout().toMillis());
	}

	@Bean
	DefaultErrorHandler requestErrorHandler(KafkaOperations<Object, Object> kafka, WorkerProperties properties) {
		// the registry names the dead-letter topic (spring-kafka 4 would default to
		// "<topic>-dlt");
		// it has as many partitions as the requests topic
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka, (record,
				failure) -> new TopicPartition(Topics.forName(record.topic()).deadLetterName(), record.partition()));
		ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(properties.retryAttempts() - 1);
		backOff.setInitialInterval(properties.retryBackoff().toMillis());
		backOff.setMultiplier(2);
		backOff.setMaxInterval(properties.retryBackoff().toMillis() * 8);
		DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
		handler.addNotRetryableExceptions(UnreadableEventException.class, DeserializationException.class);
		return handler;
	}

}
