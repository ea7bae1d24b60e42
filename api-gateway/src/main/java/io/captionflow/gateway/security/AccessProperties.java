package io.captionflow.gateway.security;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the API and open the pages.
 *
 * @param mode {@code none}: no authentication, allowed only while the gateway binds a
 * loopback address ({@code server.address}); {@code oauth2}: API clients send bearer JWTs
 * of the configured issuer and the pages sign in with OAuth2 login
 * @param scopes the scope (or role) names that grant each permission
 * @param rolesClaim a claim of the access token (API clients) or ID token (pages) holding
 * role names that grant permissions like scopes do, a dotted path into nested claims
 * ({@code realm_access.roles} for Keycloak, {@code roles} for Entra ID); empty for scopes
 * only
 * @param allowedHosts the host names requests may be addressed to ({@code Host}), against
 * DNS rebinding; empty means the loopback names on a loopback bind, and any name on
 * another bind
 * @param allowedOrigins origins besides the gateway's own whose browsers may call it
 * ({@code Origin}, e.g. {@code https://captions.example.com}); a request from any other
 * origin is refused
 */
@ConfigurationProperties("captionflow.gateway.security")
public record AccessProperties(@DefaultValue("none") SecurityMode mode, @DefaultValue Scopes scopes,
		@Nullable String rolesClaim, @DefaultValue List<String> allowedHosts,
		@DefaultValue List<String> allowedOrigins) {

	/**
	 * The scope or role names that grant each permission. Annotating and administering
	 * each include reading.
	 *
	 * @param read videos, captions, stats, media, the event stream and the notification
	 * log
	 * @param annotate create, save and delete captions and their text
	 * @param admin register and change videos, and the actuator beyond health
	 */
	public record Scopes(@DefaultValue("captionflow.read") String read,
			@DefaultValue("captionflow.annotate") String annotate, @DefaultValue("captionflow.admin") String admin) {
	}

}
