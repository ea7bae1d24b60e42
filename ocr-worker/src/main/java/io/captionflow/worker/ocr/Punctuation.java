package io.captionflow.worker.ocr;

/**
 * Tidies the punctuation Tesseract returns, where what it reads is a guess between look-
 * alikes:
 * <ul>
 * <li>Quotes: in caption fonts, straight and curly quotes differ by a pixel or two, and
 * Tesseract reads either for either, even within one caption. Every double quote becomes
 * {@code "} and every single quote {@code '}, as subtitle files write them.</li>
 * <li>CJK text: Chinese and Japanese use full-width punctuation, but Tesseract often
 * returns the ASCII look-alike ({@code :} for {@code ：}). ASCII {@code , : ; ! ? ( )}
 * next to an ideograph, kana or CJK punctuation becomes full width; so does {@code .}
 * after one, unless a digit follows.</li>
 * </ul>
 */
final class Punctuation {

	private static final String ASCII = ",:;!?()";

	private static final String FULL_WIDTH = "，：；！？（）";

	private Punctuation() {
	}

	/**
	 * Tidies recognised text.
	 * @param text recognised text
	 * @return the text with uniform quotes and, next to CJK, full-width punctuation
	 */
	static String tidy(String text) {
		StringBuilder result = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			result.append(switch (c) {
				case '\u201C', '\u201D', '\u201E', '\u201F', '\u00AB', '\u00BB' -> '"';
				case '\u2018', '\u2019', '\u201A', '\u201B', '\u0060', '\u00B4' -> '\'';
				default -> fullWidth(result, text, i, c);
			});
		}
		return result.toString();
	}

	private static char fullWidth(CharSequence before, String text, int i, char c) {
		int ascii = ASCII.indexOf(c);
		boolean cjkBefore = CjkSpacing.isCjk(neighbour(before, before.length(), -1));
		boolean cjkAfter = CjkSpacing.isCjk(neighbour(text, i, +1));
		if (ascii >= 0 && (cjkBefore || cjkAfter)) {
			return FULL_WIDTH.charAt(ascii);
		}
		if (c == '.' && cjkBefore && !Character.isDigit(neighbour(text, i, +1))) {
			return '。';
		}
		return c;
	}

	/** The nearest character before or after, skipping spaces; 0 at either end. */
	private static int neighbour(CharSequence text, int i, int step) {
		for (int j = i + step; j >= 0 && j < text.length(); j += step) {
			char c = text.charAt(j);
			if (c != ' ' && c != '\u3000') {
				return (step < 0) ? Character.codePointBefore(text, j + 1) : Character.codePointAt(text, j);
			}
		}
		return 0;
	}

}
