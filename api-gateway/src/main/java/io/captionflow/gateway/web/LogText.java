package io.captionflow.gateway.web;

import org.jspecify.annotations.Nullable;

/**
 * Text from outside (ids, reasons, messages of refused input) made safe to log: control
 * characters are written as escapes, so a crafted value cannot forge or split log lines,
 * and very long values are cut.
 */
public final class LogText {

	private static final int MAX = 500;

	private LogText() {
	}

	/**
	 * The text with its control characters escaped ({@code \n}, {@code \u0000}, ...) and
	 * cut after 500 characters.
	 * @param text any text, or null
	 * @return the text as it may be logged
	 */
	public static String escape(@Nullable String text) {
		if (text == null) {
			return "null";
		}
		StringBuilder safe = new StringBuilder(Math.min(text.length(), MAX) + 16);
		for (int i = 0; i < text.length() && safe.length() < MAX; i++) {
			char c = text.charAt(i);
			switch (c) {
				case '\n' -> safe.append("\\n");
				case '\r' -> safe.append("\\r");
				case '\t' -> safe.append("\\t");
				default -> {
					if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
						safe.append(String.format("\\u%04x", (int) c));
					}
					else {
						safe.append(c);
					}
				}
			}
		}
		if (safe.length() >= MAX && text.length() > MAX) {
			safe.append("... (").append(text.length()).append(" characters)");
		}
		return safe.toString();
	}

}
