package io.captionflow.gateway.web;

import org.jspecify.annotations.Nullable;

/**
 * The patterns text fields of requests are held to: no control characters (NUL above all,
 * which PostgreSQL refuses), except line breaks and tabs where a field may hold several
 * lines.
 */
public final class PlainText {

	/** A single line: no control characters at all. */
	public static final String SINGLE_LINE = "[^\\p{Cntrl}]*";

	/** Lines: tabs and line breaks, but no other control characters. */
	public static final String LINES = "[\\t\\n\\r\\P{Cntrl}]*";

	/** What a refused single line is told. */
	public static final String SINGLE_LINE_MESSAGE = "must not contain control characters";

	/** What refused lines are told. */
	public static final String LINES_MESSAGE = "must not contain control characters other than tabs and line breaks";

	private PlainText() {
	}

	/**
	 * Text from a worker or another system made to fit its column: control characters
	 * other than line breaks and tabs dropped, then cut to a length without splitting a
	 * surrogate pair.
	 * @param text the text
	 * @param maxLength the column's length
	 * @return the text as it may be stored
	 */
	public static String bounded(String text, int maxLength) {
		StringBuilder kept = new StringBuilder(Math.min(text.length(), maxLength));
		for (int i = 0; i < text.length() && kept.length() < maxLength; i++) {
			char c = text.charAt(i);
			if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
				continue;
			}
			kept.append(c);
		}
		if (!kept.isEmpty() && Character.isHighSurrogate(kept.charAt(kept.length() - 1))) {
			kept.setLength(kept.length() - 1);
		}
		return kept.toString();
	}

	/**
	 * {@link #bounded(String, int)} for a column that may be null.
	 * @param text the text, or null
	 * @param maxLength the column's length
	 * @return the text as it may be stored, or null
	 */
	public static @Nullable String boundedOrNull(@Nullable String text, int maxLength) {
		return (text != null) ? bounded(text, maxLength) : null;
	}

}
