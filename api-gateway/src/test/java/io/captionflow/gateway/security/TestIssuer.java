package io.captionflow.gateway.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OpenID Connect issuer whose RSA key the test generates: it serves its discovery
 * document and key set over real HTTP on loopback, and signs the tokens the tests send,
 * so the gateway validates them as it would a real issuer's.
 */
final class TestIssuer implements AutoCloseable {

	private final HttpServer server;

	private final RSAKey key;

	private final String issuer;

	private TestIssuer(HttpServer server, RSAKey key) {
		this.server = server;
		this.key = key;
		this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
	}

	static TestIssuer start() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair pair = generator.generateKeyPair();
			RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
				.privateKey((RSAPrivateKey) pair.getPrivate())
				.keyID(UUID.randomUUID().toString())
				.build();
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			TestIssuer issuer = new TestIssuer(server, key);
			JsonMapper json = JsonMapper.builder().build();
			server.createContext("/.well-known/openid-configuration",
					(exchange) -> respond(exchange, json.writeValueAsString(issuer.discovery())));
			server.createContext("/jwks", (exchange) -> respond(exchange, new JWKSet(key.toPublicJWK()).toString()));
			server.start();
			return issuer;
		}
		catch (IOException | NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String uri() {
		return this.issuer;
	}

	private Map<String, Object> discovery() {
		return Map.of("issuer", this.issuer, "jwks_uri", this.issuer + "/jwks", "authorization_endpoint",
				this.issuer + "/authorize", "token_endpoint", this.issuer + "/token", "response_types_supported",
				List.of("code"), "subject_types_supported", List.of("public"), "id_token_signing_alg_values_supported",
				List.of("RS256"), "scopes_supported", List.of("openid", "captionflow.read"));
	}

	/**
	 * An access token of this issuer.
	 * @param expires when it expires
	 * @param scope its space-separated scopes
	 * @return the signed JWT
	 */
	String token(Instant expires, String scope) {
		return sign(this.issuer, expires, Map.of("scope", scope));
	}

	/**
	 * A token of this issuer with further claims (roles, for one).
	 * @param expires when it expires
	 * @param claims its claims besides the registered ones
	 * @return the signed JWT
	 */
	String token(Instant expires, Map<String, Object> claims) {
		return sign(this.issuer, expires, claims);
	}

	private String sign(String issuer, Instant expires, Map<String, Object> claims) {
		JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().issuer(issuer)
			.subject("api-client")
			.issueTime(Date.from(expires.minusSeconds(3600)))
			.notBeforeTime(Date.from(expires.minusSeconds(3600)))
			.expirationTime(Date.from(expires))
			.jwtID(UUID.randomUUID().toString());
		claims.forEach(set::claim);
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.key.getKeyID()).type(JOSEObjectType.JWT).build(),
				set.build());
		try {
			jwt.sign(new RSASSASigner(this.key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	private static void respond(HttpExchange exchange, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
