package io.captionflow.gateway.security;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Refuses to start on PostgreSQL without a password: the {@code postgres} profile has no
 * default one (only the {@code local} profile does, for the database
 * {@code infra/bin/postgres.sh} sets up on this host). Checked before any bean is made,
 * so the message names the setting rather than a failed login.
 */
final class DatabasePassword implements BeanFactoryPostProcessor, EnvironmentAware {

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		// Spring hands an EnvironmentAware post-processor its environment first
		check(Objects.requireNonNull(this.environment, "no environment was set"));
	}

	/**
	 * Checks the database settings.
	 * @param environment the application's settings
	 * @throws IllegalStateException when the database is PostgreSQL and has no password
	 */
	static void check(Environment environment) {
		String url = environment.getProperty("spring.r2dbc.url", "");
		if (url.startsWith("r2dbc:postgresql:") && !given(environment, "spring.r2dbc.password")) {
			throw new IllegalStateException("The gateway's PostgreSQL database has no password: set "
					+ "CAPTIONFLOW_DB_PASSWORD (spring.r2dbc.password and spring.flyway.password), or add the local "
					+ "profile for the PostgreSQL that infra/bin/postgres.sh sets up on this host");
		}
	}

	private static boolean given(Environment environment, String name) {
		try {
			String value = environment.getProperty(name);
			return value != null && !value.isBlank();
		}
		catch (IllegalArgumentException ex) {
			// ${CAPTIONFLOW_DB_PASSWORD} with no such variable
			return false;
		}
	}

}
