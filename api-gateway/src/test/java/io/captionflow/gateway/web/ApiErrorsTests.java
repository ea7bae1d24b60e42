package io.captionflow.gateway.web;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ProblemDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request refused naming its field: a 400 problem whose {@code errors} name the field,
 * then what is wrong with it.
 */
class ApiErrorsTests {

	@Test
	void anInvalidRequestNamesTheFieldThenTheMessage() {
		ProblemDetail problem = new ApiErrors().invalid(new InvalidRequestException("videoId", "is required"));
		assertThat(problem.getStatus()).isEqualTo(400);
		assertThat(problem.getTitle()).isEqualTo("Invalid request");
		assertThat(problem.getDetail()).isEqualTo("is required");
		assertThat(JsonMapper.builder().build().writeValueAsString(problem.getProperties().get("errors")))
			.isEqualTo("[{\"field\":\"videoId\",\"message\":\"is required\"}]");
	}

}
