package io.captionflow.gateway.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The heading of the OpenAPI document springdoc makes from the controllers
 * ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}); what OpenAPI cannot say
 * (the event stream's wire format, the webhooks' signing) is in {@code docs/api.md}.
 */
@Configuration(proxyBeanMethods = false)
class ApiDescription {

	@Bean
	OpenAPI captionFlowApi() {
		return new OpenAPI().info(new Info().title("CaptionFlow API")
			.version("1")
			.description("Videos, their captions and the OCR of each caption's median frame. Status changes "
					+ "stream as Server-Sent Events from /api/events/video-stats; their wire format and the "
					+ "webhooks' signing are described in docs/api.md."));
	}

}
