package io.captionflow.system.issuer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * A real OAuth2 authorization server and OpenID Connect provider (Spring Authorization
 * Server) for the tests, in this JVM as a servlet application on {@code 127.0.0.1}. Its
 * issuer is exactly {@code http://127.0.0.1:<port>}; it signs with an RSA key made at
 * start and publishes it at its JWK Set endpoint.
 * <ul>
 * <li>one user, {@link #USER}, who signs in with a form ({@link #password()});</li>
 * <li>the gateway's confidential client {@link #GATEWAY_CLIENT_ID}: client_secret_basic,
 * authorization code with PKCE required, refresh token, no consent page, the redirect
 * URIs given at start, scopes {@code openid captionflow.read captionflow.annotate};</li>
 * <li>one client_credentials client per {@link ApiClient}, for API tokens.</li>
 * </ul>
 * The password and the client secrets (one per client) are made at start.
 */
public final class TestAuthorizationServer implements AutoCloseable {

	/** The user who signs in through the form. */
	public static final String USER = "alice";

	/** The gateway's client for browser sign-in. */
	public static final String GATEWAY_CLIENT_ID = "captionflow-gateway";

	/** Reads everything: videos, captions, SSE, media. */
	public static final String READ = "captionflow.read";

	/** Creates, saves and deletes captions and their text. */
	public static final String ANNOTATE = "captionflow.annotate";

	/** Registers and patches videos. */
	public static final String ADMIN = "captionflow.admin";

	/** The client_credentials clients, one per set of scopes. */
	public enum ApiClient {

		/** {@code captionflow.read}. */
		READER(READ),

		/** {@code captionflow.read captionflow.annotate}. */
		ANNOTATOR(READ, ANNOTATE),

		/** All three scopes. */
		ADMIN(READ, ANNOTATE, TestAuthorizationServer.ADMIN);

		private final Set<String> scopes;

		ApiClient(String... scopes) {
			this.scopes = Set.of(scopes);
		}

		/**
		 * The client's id at the issuer.
		 * @return {@code reader}, {@code annotator} or {@code admin}
		 */
		public String clientId() {
			return name().toLowerCase(Locale.ROOT);
		}

		/**
		 * The scopes the client is granted.
		 * @return the scopes
		 */
		public Set<String> scopes() {
			return this.scopes;
		}

	}

	private final ConfigurableApplicationContext context;

	private final String issuer;

	private final String password;

	private final Map<String, String> clientSecrets;

	private TestAuthorizationServer(ConfigurableApplicationContext context, String issuer, String password,
			Map<String, String> clientSecrets) {
		this.context = context;
		this.issuer = issuer;
		this.password = password;
		this.clientSecrets = clientSecrets;
	}

	/**
	 * Starts an issuer on a free loopback port.
	 * @param gatewayRedirectUris where the gateway's client may be sent back to, such as
	 * {@code http://127.0.0.1:8080/login/oauth2/code/captionflow}; the issuer compares
	 * them exactly, so a test chooses the gateway's port first
	 * @return the running issuer
	 */
	public static TestAuthorizationServer start(String... gatewayRedirectUris) {
		int port = freePort();
		String issuer = "http://127.0.0.1:" + port;
		String password = secret();
		Map<String, String> clientSecrets = new HashMap<>();
		clientSecrets.put(GATEWAY_CLIENT_ID, secret());
		for (ApiClient client : ApiClient.values()) {
			clientSecrets.put(client.clientId(), secret());
		}
		List<String> arguments = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=" + port,
				"--issuer.uri=" + issuer, "--issuer.user.name=" + USER, "--issuer.user.password=" + password,
				"--issuer.gateway.redirect-uris=" + String.join(",", gatewayRedirectUris)));
		clientSecrets.forEach((id, secret) -> arguments.add("--issuer.client-secret." + id + "=" + secret));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(IssuerConfiguration.class)
			.main(TestAuthorizationServer.class)
			.web(WebApplicationType.SERVLET)
			// no application.yml of the gateway's or the worker's classpath is read
			.properties("spring.config.name=test-authorization-server", "spring.main.banner-mode=off")
			.run(arguments.toArray(String[]::new));
		return new TestAuthorizationServer(context, issuer, password, Map.copyOf(clientSecrets));
	}

	/**
	 * The issuer, as it appears in its tokens and its discovery document.
	 * @return {@code http://127.0.0.1:<port>}
	 */
	public String issuerUri() {
		return this.issuer;
	}

	/**
	 * {@link #USER}'s password.
	 * @return the password
	 */
	public String password() {
		return this.password;
	}

	/**
	 * The secret of the gateway's client, {@link #GATEWAY_CLIENT_ID}.
	 * @return the client secret
	 */
	public String gatewayClientSecret() {
		return this.clientSecrets.get(GATEWAY_CLIENT_ID);
	}

	/**
	 * The settings that make a gateway sign in against this issuer and accept its tokens.
	 * @return {@code --name=value} arguments
	 */
	public String[] gatewaySettings() {
		return new String[] { "--captionflow.gateway.security.mode=oauth2",
				"--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + this.issuer,
				"--spring.security.oauth2.client.provider.captionflow.issuer-uri=" + this.issuer,
				"--spring.security.oauth2.client.registration.captionflow.client-id=" + GATEWAY_CLIENT_ID,
				"--spring.security.oauth2.client.registration.captionflow.client-secret=" + gatewayClientSecret(),
				"--spring.security.oauth2.client.registration.captionflow.authorization-grant-type=authorization_code",
				"--spring.security.oauth2.client.registration.captionflow.scope=openid," + READ + "," + ANNOTATE };
	}

	/**
	 * Obtains an access token with the client_credentials grant.
	 * @param client the client, which names the scopes the token carries
	 * @return the signed JWT
	 */
	public String accessToken(ApiClient client) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "client_credentials");
		form.add("scope", String.join(" ", client.scopes()));
		Map<?, ?> response = RestClient.create(this.issuer)
			.post()
			.uri("/oauth2/token")
			.headers((headers) -> headers.setBasicAuth(client.clientId(), this.clientSecrets.get(client.clientId())))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form)
			.retrieve()
			.body(Map.class);
		return (String) response.get("access_token");
	}

	@Override
	public void close() {
		this.context.close();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String secret() {
		byte[] bytes = new byte[24];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
