package io.captionflow.gateway.web;

import java.util.Collection;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.netty.channel.ChannelException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * Turns every request error into an RFC 9457 problem ({@code application/problem+json})
 * that names what was wrong: the field, and why.
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {

	@ExceptionHandler
	ProblemDetail notFound(NotFoundException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setTitle("Not found");
		return problem;
	}

	@ExceptionHandler
	ProblemDetail invalid(InvalidRequestException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Invalid request");
		problem.setProperty("errors", List.of(new InvalidField(ex.field(), ex.getMessage())));
		return problem;
	}

	/**
	 * A body that did not arrive whole within
	 * {@code captionflow.gateway.admission.timeouts.body-read}: the server closes the
	 * connection after this answer.
	 */
	@ExceptionHandler
	ResponseEntity<Object> bodyTooSlow(ChannelException ex) throws ChannelException {
		if (!bodyTimedOut(ex)) {
			throw ex;
		}
		return tooSlow();
	}

	/** Reactor Netty's request timeout, whose type is not public. */
	private static boolean bodyTimedOut(Throwable ex) {
		return ex instanceof ChannelException
				&& "reactor.netty.http.server.RequestTimeoutException".equals(ex.getClass().getName());
	}

	private static ResponseEntity<Object> tooSlow() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.REQUEST_TIMEOUT,
				"the request's body did not arrive in time (captionflow.gateway.admission.timeouts.body-read)");
		problem.setTitle("Request body too slow");
		return ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT)
			.header(HttpHeaders.CONNECTION, "close")
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		List<InvalidField> errors = ex.getFieldErrors()
			.stream()
			.map((error) -> new InvalidField(error.getField(), String.valueOf(error.getDefaultMessage())))
			.toList();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				errors.stream()
					.map((e) -> e.field() + " " + e.message())
					.reduce((a, b) -> a + "; " + b)
					.orElse("invalid request"));
		problem.setTitle("Invalid request");
		problem.setProperty("errors", errors);
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
	}

	/**
	 * An unreadable body or parameter. The detail names the field and what was expected,
	 * in the API's words: the parser's own message names Java types and is not shown.
	 */
	@Override
	protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		for (Throwable cause = ex; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
			if (bodyTimedOut(cause)) {
				return Mono.just(tooSlow());
			}
		}
		JacksonException json = jsonCause(ex);
		String detail;
		String field = null;
		if (json != null) {
			field = path(json);
			detail = describe(json, field);
		}
		else if (ex.getMethodParameter() != null && ex.getMethodParameter().getParameterName() != null) {
			field = ex.getMethodParameter().getParameterName();
			detail = field + " is missing or has the wrong type";
		}
		else {
			detail = "the request could not be read";
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setTitle("Unreadable request");
		if (field != null && !field.isEmpty()) {
			problem.setProperty("errors", List.of(new InvalidField(field, detail)));
		}
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
	}

	private static @Nullable JacksonException jsonCause(Throwable ex) {
		for (Throwable cause = ex; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
			if (cause instanceof JacksonException json) {
				return json;
			}
		}
		return null;
	}

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String describe(JacksonException ex, String field) {
		String where = field.isEmpty() ? "the body" : field;
		if (ex instanceof ValueInstantiationException && ex.getCause() != null
				&& ex.getCause() instanceof IllegalArgumentException invalid) {
			// a record refused its values, in words of its own
			return where + ": " + LogText.escape(invalid.getMessage());
		}
		if (ex instanceof MismatchedInputException mismatch) {
			return where + " must be " + expected(mismatch.getTargetType());
		}
		if (ex instanceof StreamReadException read) {
			// the parser's messages name JSON, not Java: a syntax error, a duplicate key,
			// a number out of range, nesting too deep
			return "the body is not valid JSON: " + LogText.escape(firstLine(read.getOriginalMessage()));
		}
		return where + " has a value that cannot be read";
	}

	private static String expected(Class<?> type) {
		if (type == null) {
			return "of another type";
		}
		if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
			return "a whole number";
		}
		if (type == Double.class || type == double.class) {
			return "a number";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (type == String.class || type.isEnum()) {
			return "a string";
		}
		if (type.isArray() || Collection.class.isAssignableFrom(type)) {
			return "an array";
		}
		return "an object";
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "";
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline);
	}

	/**
	 * One entry of a problem's {@code errors}: a field at fault and what is wrong with
	 * it.
	 *
	 * @param field the field, as the request spells it
	 * @param message what is wrong with it
	 */
	@JsonPropertyOrder({ "field", "message" })
	record InvalidField(String field, String message) {
	}

}
