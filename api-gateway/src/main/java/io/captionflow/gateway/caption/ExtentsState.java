package io.captionflow.gateway.caption;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The annotator's judgement of a caption's frame extents: one vocabulary in requests, in
 * responses, in the {@code extents_state} column and in the stats.
 */
enum ExtentsState {

	/** As a manifest predicted them, not reviewed. */
	PREDICTED("predicted"),

	/** Reviewed and right. */
	CONFIRMED("confirmed"),

	/** No caption is shown over these frames. */
	GAP("gap"),

	/** Something is wrong here that needs another look. */
	ISSUE("issue");

	/**
	 * What a request's state must match; bean validation needs a constant, so it is
	 * spelled out here and held to the names by a test.
	 */
	static final String PATTERN = "predicted|confirmed|gap|issue";

	/** The refusal of a state that does not match {@link #PATTERN}. */
	static final String PATTERN_MESSAGE = "must be one of predicted, confirmed, gap, issue";

	private final String wireName;

	ExtentsState(String wireName) {
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
	 * The state of a name from a validated request or the database.
	 * @param wireName lower-case name
	 * @return the state
	 * @throws IllegalArgumentException for an unknown name
	 */
	static ExtentsState fromWireName(String wireName) {
		for (ExtentsState state : values()) {
			if (state.wireName.equals(wireName)) {
				return state;
			}
		}
		throw new IllegalArgumentException("unknown extents state '" + wireName + "'");
	}

}
