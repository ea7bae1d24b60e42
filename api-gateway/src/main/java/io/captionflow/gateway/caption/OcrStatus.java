package io.captionflow.gateway.caption;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a caption's OCR is: one vocabulary in the API, in the {@code caption_ocr_status}
 * column and in the stats, in this order.
 */
enum OcrStatus {

	/** Never asked for: a predicted or newly created caption. */
	IDLE("idle"),

	/** Asked for; the request waits in the outbox or for a worker. */
	QUEUED("queued"),

	/** A worker has started on it. */
	PROCESSING("processing"),

	/** The worker's text is applied. */
	COMPLETED("completed"),

	/** The worker, the dead-letter topic or the sweep gave up, with a reason. */
	ERROR("error");

	private final String wireName;

	OcrStatus(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * The name in JSON and in SQL.
	 * @return lower-case name
	 */
	@JsonValue
	String wireName() {
		return this.wireName;
	}

	/**
	 * The status of a name read from the database.
	 * @param wireName lower-case name
	 * @return the status
	 * @throws IllegalArgumentException for an unknown name
	 */
	static OcrStatus fromWireName(String wireName) {
		for (OcrStatus status : values()) {
			if (status.wireName.equals(wireName)) {
				return status;
			}
		}
		throw new IllegalArgumentException("unknown OCR status '" + wireName + "'");
	}

}
