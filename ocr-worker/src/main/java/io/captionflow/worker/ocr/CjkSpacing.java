package io.captionflow.worker.ocr;

/**
 * Chinese and Japanese are written without spaces, but Tesseract puts one between glyphs
 * it reads as separate words.
 */
final class CjkSpacing {

	private CjkSpacing() {
	}

	/**
	 * Removes whitespace that has a CJK ideograph, kana or CJK punctuation on both sides;
	 * spaces between Latin words stay.
	 * @param text recognised text
	 * @return the text with those spaces removed
	 */
	static String removeSpacesBetweenIdeographs(String text) {
		StringBuilder result = new StringBuilder(text.length());
		int i = 0;
		while (i < text.length()) {
			char c = text.charAt(i);
			if (c == ' ' || c == '\u3000') {
				int end = i;
				while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\u3000')) {
					end++;
				}
				boolean between = i > 0 && end < text.length() && isCjk(text.codePointBefore(i))
						&& isCjk(text.codePointAt(end));
				if (!between) {
					result.append(text, i, end);
				}
				i = end;
				continue;
			}
			result.append(c);
			i++;
		}
		return result.toString();
	}

	/**
	 * Whether a character is written the CJK way: an ideograph, kana, or CJK or
	 * full-width punctuation.
	 * @param codePoint the character
	 * @return whether it is
	 */
	static boolean isCjk(int codePoint) {
		Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
		if (script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
				|| script == Character.UnicodeScript.KATAKANA) {
			return true;
		}
		Character.UnicodeBlock block = Character.UnicodeBlock.of(codePoint);
		return block == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION
				|| block == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS;
	}

}
