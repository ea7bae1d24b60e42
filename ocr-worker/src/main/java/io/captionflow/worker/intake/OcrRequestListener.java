package io.captionflow.worker.intake;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.Topics;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Receives OCR requests and hands each to the {@link OcrRequestHandler}. The offset is
 * committed when this returns, after the outcome was published.
 */
@Component
class OcrRequestListener {

	private final OcrRequestHandler handler;

	OcrRequestListener(OcrRequestHandler handler) {
		this.handler = handler;
	}

	@KafkaListener(id = "ocr-requests", topics = Topics.CAPTION_OCR_REQUESTS_NAME,
			groupId = "${spring.kafka.consumer.group-id:ocr-workers}")
	void onRequest(CaptionOcrRequested request) {
		this.handler.handle(request);
	}

}
