package io.captionflow.gateway.webhook;

import java.lang.annotation.Annotation;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import io.captionflow.gateway.web.PlainText;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.GroupSequence;
import jakarta.validation.OverridesAttribute;
import jakarta.validation.Payload;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.validation.groups.Default;

/**
 * The rules a webhook body's text fields are held to, as Bean Validation constraints:
 * {@link RequiredLine}, {@link Line} and {@link Lines}, then what the {@link Known} group
 * holds. A field's first broken rule is the one answered, in this order: present, not
 * blank, within its column, plain text, one of the values it may take.
 */
final class FieldRules {

	/** The longest video id: the column's. */
	static final int MAX_ID = 64;

	/** The longest flow name, flow run id or Prefect state name. */
	static final int MAX_NAME = 200;

	/** The longest reason: the notification's error column. */
	static final int MAX_REASON = 2000;

	/**
	 * One line without control characters. Not {@link PlainText#SINGLE_LINE}, whose
	 * {@code \p{Cntrl}} is ASCII's: webhooks refuse the C1 controls (U+0080 to U+009F)
	 * too, every character {@link Character#isISOControl} names.
	 */
	static final String ONE_LINE = "\\P{Cc}*";

	/** Lines: tabs and line breaks, but no other control character, C1 included. */
	static final String LINES = "[\\t\\n\\r\\P{Cc}]*";

	/** The constraints of one field, in the order they are answered. */
	private static final List<Class<? extends Annotation>> PRECEDENCE = List.of(NotNull.class, NotBlank.class,
			Size.class, Pattern.class);

	private FieldRules() {
	}

	/**
	 * The broken rule of a field to answer.
	 * @param <T> the type of the record validated
	 * @param broken the rules one field broke, of one group
	 * @return the first in precedence
	 */
	static <T> ConstraintViolation<T> first(Set<ConstraintViolation<T>> broken) {
		return broken.stream()
			.min(Comparator.comparingInt((violation) -> PRECEDENCE
				.indexOf(violation.getConstraintDescriptor().getAnnotation().annotationType())))
			.orElseThrow();
	}

	/**
	 * A required field of one line: present, not blank, at most {@code max} characters,
	 * no control characters.
	 */
	@NotNull(message = "is required")
	@NotBlank(message = "must not be blank")
	@Size(message = "must be at most {max} characters")
	@Pattern(regexp = ONE_LINE, message = PlainText.SINGLE_LINE_MESSAGE)
	@Constraint(validatedBy = {})
	@Target(ElementType.FIELD)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface RequiredLine {

		/**
		 * The longest value, in characters.
		 * @return the length
		 */
		@OverridesAttribute(constraint = Size.class, name = "max")
		int max();

		// unused: each rule broken answers with a message of its own
		String message() default "";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

	}

	/**
	 * An optional field of one line: when present, at most {@code max} characters, no
	 * control characters.
	 */
	@Size(message = "must be at most {max} characters")
	@Pattern(regexp = ONE_LINE, message = PlainText.SINGLE_LINE_MESSAGE)
	@Constraint(validatedBy = {})
	@Target(ElementType.FIELD)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface Line {

		/**
		 * The longest value, in characters.
		 * @return the length
		 */
		@OverridesAttribute(constraint = Size.class, name = "max")
		int max();

		// unused: each rule broken answers with a message of its own
		String message() default "";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

	}

	/**
	 * An optional field of lines: when present, at most {@code max} characters, no
	 * control characters but tabs and line breaks.
	 */
	@Size(message = "must be at most {max} characters")
	@Pattern(regexp = LINES, message = PlainText.LINES_MESSAGE)
	@Constraint(validatedBy = {})
	@Target(ElementType.FIELD)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface Lines {

		/**
		 * The longest value, in characters.
		 * @return the length
		 */
		@OverridesAttribute(constraint = Size.class, name = "max")
		int max();

		// unused: each rule broken answers with a message of its own
		String message() default "";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

	}

	/** What a field's text is checked for once it is plain text: one of its values. */
	interface Known {

	}

	/** The text rules, then the known values. */
	@GroupSequence({ Default.class, Known.class })
	interface InOrder {

	}

}
