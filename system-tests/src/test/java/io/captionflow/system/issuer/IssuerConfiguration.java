package io.captionflow.system.issuer;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The issuer's beans: one user, the gateway's browser client, one client-credentials
 * client per {@link TestAuthorizationServer.ApiClient}. Boot's authorization server
 * auto-configuration adds the rest: the protocol endpoints with OpenID Connect, form
 * login, and an RSA key generated at start. Only the auto-configurations named here are
 * applied: the test classpath also holds the gateway's and the worker's (Kafka, R2DBC,
 * Flyway, ...), none of which the issuer needs.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, TomcatServletWebServerAutoConfiguration.class,
		DispatcherServletAutoConfiguration.class, SecurityAutoConfiguration.class,
		ServletWebSecurityAutoConfiguration.class, SecurityFilterAutoConfiguration.class,
		OAuth2AuthorizationServerAutoConfiguration.class, OAuth2AuthorizationServerJwtAutoConfiguration.class })
class IssuerConfiguration {

	@Bean
	AuthorizationServerSettings authorizationServerSettings(@Value("${issuer.uri}") String issuer) {
		return AuthorizationServerSettings.builder().issuer(issuer).build();
	}

	@Bean
	UserDetailsService users(@Value("${issuer.user.name}") String name,
			@Value("${issuer.user.password}") String password) {
		return new InMemoryUserDetailsManager(User.withUsername(name).password("{noop}" + password).build());
	}

	@Bean
	RegisteredClientRepository clients(Environment environment,
			@Value("${issuer.gateway.redirect-uris}") List<String> redirectUris) {
		RegisteredClient gateway = RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId(TestAuthorizationServer.GATEWAY_CLIENT_ID)
			.clientSecret(secretOf(environment, TestAuthorizationServer.GATEWAY_CLIENT_ID))
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
			.redirectUris((uris) -> uris.addAll(redirectUris))
			.scope(OidcScopes.OPENID)
			.scope(TestAuthorizationServer.READ)
			.scope(TestAuthorizationServer.ANNOTATE)
			.clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
			.build();
		List<RegisteredClient> all = new ArrayList<>(List.of(gateway));
		for (TestAuthorizationServer.ApiClient api : TestAuthorizationServer.ApiClient.values()) {
			all.add(RegisteredClient.withId(UUID.randomUUID().toString())
				.clientId(api.clientId())
				.clientSecret(secretOf(environment, api.clientId()))
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.scopes((scopes) -> scopes.addAll(api.scopes()))
				.build());
		}
		return new InMemoryRegisteredClientRepository(all);
	}

	private static String secretOf(Environment environment, String clientId) {
		return "{noop}" + environment.getRequiredProperty("issuer.client-secret." + clientId);
	}

}
