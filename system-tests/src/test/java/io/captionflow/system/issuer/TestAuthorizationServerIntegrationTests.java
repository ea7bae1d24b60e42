package io.captionflow.system.issuer;

import java.util.Map;

import io.captionflow.system.issuer.TestAuthorizationServer.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test issuer as a resource server sees it: its discovery document, and tokens that
 * verify against its JWK Set.
 */
class TestAuthorizationServerIntegrationTests {

	private static TestAuthorizationServer issuer;

	@BeforeAll
	static void startIssuer() {
		issuer = TestAuthorizationServer.start("http://127.0.0.1:8080/login/oauth2/code/captionflow");
	}

	@AfterAll
	static void stopIssuer() {
		issuer.close();
	}

	@Test
	void theDiscoveryDocumentNamesTheLoopbackIssuer() {
		Map<String, Object> metadata = RestClient.create(issuer.issuerUri())
			.get()
			.uri("/.well-known/openid-configuration")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		assertThat(issuer.issuerUri()).matches("http://127\\.0\\.0\\.1:\\d+");
		assertThat(metadata).containsEntry("issuer", issuer.issuerUri())
			.containsEntry("jwks_uri", issuer.issuerUri() + "/oauth2/jwks");
	}

	@Test
	void aClientCredentialsTokenCarriesItsClientsScopesAndVerifiesAgainstTheJwks() {
		// discovery, issuer check, JWK Set and signature, as a resource server does; on
		// the JDK's HttpClient: with HttpURLConnection, the default, this JVM's first
		// request to the issuer was now and then read-timed-out at once
		JwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer.issuerUri())
			.restOperations(new RestTemplate(new JdkClientHttpRequestFactory()))
			.build();
		Jwt reader = decoder.decode(issuer.accessToken(ApiClient.READER));
		assertThat(reader.getIssuer()).hasToString(issuer.issuerUri());
		assertThat(reader.getSubject()).isEqualTo("reader");
		assertThat(reader.getClaimAsStringList("scope")).containsExactly(TestAuthorizationServer.READ);
		Jwt admin = decoder.decode(issuer.accessToken(ApiClient.ADMIN));
		assertThat(admin.getClaimAsStringList("scope")).containsExactlyInAnyOrder(TestAuthorizationServer.READ,
				TestAuthorizationServer.ANNOTATE, TestAuthorizationServer.ADMIN);
	}

}
