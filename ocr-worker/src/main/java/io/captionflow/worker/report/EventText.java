package io.captionflow.worker.report;

import org.jspecify.annotations.Nullable;

/**
 * Text that leaves the worker, made fit for where it goes: OCR text and failure reasons
 * for the gateway's columns ({@code varchar(4000)} and {@code varchar(2000)}), which
 * reject NUL and should hold no other control characters; and untrusted values (video
 * ids, media locations, OCR text) for log lines, which a crafted {@code \n} must not
 * split into forged lines.
 */
public final class EventText {

	/** The most characters of OCR text published. */
	public static final int MAX_TEXT = 4000;

	/** The most characters of a failure reason published. */
	public static final int MAX_REASON = 2000;

	private static final int MAX_LOGGED = 300;

	private EventText() {
	}

	/**
	 * OCR text as published: line breaks kept, tabs as spaces, other control characters
	 * dropped, at most {@link #MAX_TEXT} characters.
	 * @param text the text read
	 * @return the text to publish
	 */
	public static String ocrText(String text) {
		StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_TEXT));
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\n') {
				clean.append(c);
			}
			else if (c == '\t') {
				clean.append(' ');
			}
			else if (!Character.isISOControl(c)) {
				clean.append(c);
			}
		}
		return truncate(clean, MAX_TEXT);
	}

	/**
	 * A failure reason as published: one line, control characters as spaces, at most
	 * {@link #MAX_REASON} characters.
	 * @param reason why a request failed
	 * @return the reason to publish, never blank
	 */
	public static String reason(@Nullable String reason) {
		if (reason == null || reason.isBlank()) {
			return "unknown failure";
		}
		StringBuilder clean = new StringBuilder(Math.min(reason.length(), MAX_REASON));
		for (int i = 0; i < reason.length(); i++) {
			char c = reason.charAt(i);
			clean.append(Character.isISOControl(c) ? ' ' : c);
		}
		String published = truncate(clean, MAX_REASON).strip();
		return published.isEmpty() ? "unknown failure" : published;
	}

	/**
	 * An untrusted value for a log line: control characters escaped ({@code \n},
	 * {@code \u0000}), at most 300 characters.
	 * @param value the value
	 * @return what to log
	 */
	public static String forLog(Object value) {
		String text = String.valueOf(value);
		StringBuilder escaped = new StringBuilder(Math.min(text.length(), MAX_LOGGED) + 8);
		int i = 0;
		for (; i < text.length() && escaped.length() < MAX_LOGGED; i++) {
			char c = text.charAt(i);
			switch (c) {
				case '\n' -> escaped.append("\\n");
				case '\r' -> escaped.append("\\r");
				case '\t' -> escaped.append("\\t");
				case '\\' -> escaped.append("\\\\");
				default -> {
					if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
						escaped.append(String.format("\\u%04x", (int) c));
					}
					else {
						escaped.append(c);
					}
				}
			}
		}
		if (i < text.length()) {
			escaped.append("…");
		}
		return escaped.toString();
	}

	private static String truncate(CharSequence text, int max) {
		if (text.length() <= max) {
			return text.toString();
		}
		// never half a surrogate pair
		int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
		return text.subSequence(0, end).toString();
	}

}
