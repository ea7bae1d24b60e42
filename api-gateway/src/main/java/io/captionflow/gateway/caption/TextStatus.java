package io.captionflow.gateway.caption;

/**
 * The annotator's judgement of a caption's text in a save of it; stored as the caption's
 * {@code text_pending} flag.
 */
enum TextStatus {

	/** To be reviewed. */
	PENDING("pending"),

	/** Reviewed and right. */
	CONFIRMED("confirmed");

	/**
	 * What a request's text status must match; bean validation needs a constant, so it is
	 * spelled out here and held to the names by a test.
	 */
	static final String PATTERN = "pending|confirmed";

	/** The refusal of a text status that does not match {@link #PATTERN}. */
	static final String PATTERN_MESSAGE = "must be one of pending, confirmed";

	private final String wireName;

	TextStatus(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * The name in requests.
	 * @return lower-case name
	 */
	String wireName() {
		return this.wireName;
	}

	/**
	 * The status of a name from a validated request.
	 * @param wireName lower-case name
	 * @return the status
	 * @throws IllegalArgumentException for an unknown name
	 */
	static TextStatus fromWireName(String wireName) {
		for (TextStatus status : values()) {
			if (status.wireName.equals(wireName)) {
				return status;
			}
		}
		throw new IllegalArgumentException("unknown text status '" + wireName + "'");
	}

}
