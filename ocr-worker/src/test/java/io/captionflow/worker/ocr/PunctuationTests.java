package io.captionflow.worker.ocr;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PunctuationTests {

	@Test
	void curlyQuotesBecomeStraight() {
		assertThat(Punctuation.tidy("\u201CNever,\u201D she said. \u2018Don\u2019t.\u2019"))
			.isEqualTo("\"Never,\" she said. 'Don't.'");
	}

	@Test
	void asciiPunctuationNextToIdeographsBecomesFullWidth() {
		assertThat(Punctuation.tidy("第三章: 新的开始")).isEqualTo("第三章： 新的开始");
		assertThat(Punctuation.tidy("谢谢大家的支持 !")).isEqualTo("谢谢大家的支持 ！");
		assertThat(Punctuation.tidy("你好, 世界(测试)?")).isEqualTo("你好， 世界（测试）？");
		assertThat(Punctuation.tidy("我们明天见.")).isEqualTo("我们明天见。");
	}

	@Test
	void latinTextAndNumbersKeepTheirPunctuation() {
		assertThat(Punctuation.tidy("It's 10:45 PM, Dr. Smith (really)!"))
			.isEqualTo("It's 10:45 PM, Dr. Smith (really)!");
		assertThat(Punctuation.tidy("价格是3.5元")).isEqualTo("价格是3.5元");
	}

	@Test
	void spacesBetweenIdeographsAndTheirPunctuationGo() {
		String tidied = CjkSpacing.removeSpacesBetweenIdeographs(Punctuation.tidy("第三章 : 新的 开始 !"));
		assertThat(tidied).isEqualTo("第三章：新的开始！");
		assertThat(CjkSpacing.removeSpacesBetweenIdeographs("Hello world 你好 世界")).isEqualTo("Hello world 你好世界");
	}

}
