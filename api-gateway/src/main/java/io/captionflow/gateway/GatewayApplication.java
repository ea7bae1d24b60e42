package io.captionflow.gateway;

import java.time.Clock;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * Starts the API gateway.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

	/**
	 * The gateway application. Its packaged settings live in {@code api-gateway.yml}
	 * rather than {@code application.yml}, so that it can share a classpath with the
	 * worker; an {@code application.yml} beside it still overrides them. It is a reactive
	 * application whatever else is on the classpath (a servlet container beside it in a
	 * test would otherwise make it a servlet one).
	 * @return the application, ready to run
	 */
	public static SpringApplication create() {
		SpringApplication application = new SpringApplication(GatewayApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setDefaultProperties(Map.of("spring.config.name", "api-gateway,application"));
		return application;
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	public static void main(String[] args) {
		create().run(args);
	}

}
