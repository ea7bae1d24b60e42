package io.captionflow.gateway.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.captionflow.gateway.web.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.web.server.logout.OidcClientInitiatedServerLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.savedrequest.CookieServerRequestCache;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.MediaTypeServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;

/**
 * Who may do what. Without an authentication mode the gateway is open, and starts only on
 * a loopback address. In {@code oauth2} mode API clients send bearer JWTs of the
 * configured issuer ({@code spring.security.oauth2.resourceserver.jwt.*}) and the pages
 * sign in with an OAuth2 login (authorization code with PKCE, client registration
 * {@value #LOGIN_REGISTRATION}); the session's cookie then carries the EventSource stream
 * and media requests, and writes need the CSRF token the pages read from the
 * {@code XSRF-TOKEN} cookie. Reading, annotating and administering are separate
 * permissions (see {@link Permission}). Webhooks carry credentials of their own and pass
 * this layer. Every response carries the browser's security headers; every request must
 * be addressed to an allowed host and come from an allowed origin.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class AccessConfiguration {

	/** The client registration the pages sign in with. */
	static final String LOGIN_REGISTRATION = "captionflow";

	/** Where a page that is not signed in is sent. */
	static final String LOGIN_PATH = "/oauth2/authorization/" + LOGIN_REGISTRATION;

	/** The header of a 401 that tells the pages signing in again would help. */
	static final String LOGIN_HEADER = "X-CaptionFlow-Login";

	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; "
			+ "form-action 'self'; frame-ancestors 'none'";

	/** The page a browser asked for before it was sent to sign in. */
	private static final CookieServerRequestCache PAGE_ASKED_FOR = new CookieServerRequestCache();

	private static final Logger logger = LoggerFactory.getLogger(AccessConfiguration.class);

	private final AccessProperties settings;

	private final ServerBind bind;

	AccessConfiguration(AccessProperties properties, Environment environment) {
		this.settings = properties;
		this.bind = ServerBind.of(environment);
		if (this.settings.mode() == SecurityMode.NONE && !this.bind.loopback()) {
			throw new IllegalStateException("captionflow.gateway.security.mode is none (no authentication) while "
					+ "the gateway listens on " + this.bind.describe() + ": an open gateway may only listen on a "
					+ "loopback address. Set captionflow.gateway.security.mode=oauth2 with an issuer "
					+ "(spring.security.oauth2.resourceserver.jwt.issuer-uri), or server.address=127.0.0.1.");
		}
		if (this.settings.mode() == SecurityMode.OAUTH2 && this.settings.rolesClaim() != null
				&& !this.settings.rolesClaim().isBlank()
				&& !environment.containsProperty("spring.security.oauth2.resourceserver.jwt.audiences")
				&& !environment.containsProperty("spring.security.oauth2.resourceserver.jwt.audiences[0]")) {
			logger.warn("captionflow.gateway.security.roles-claim is set but no audience is checked: any access "
					+ "token the issuer gives a user, for any client, grants that user's roles here. Set "
					+ "spring.security.oauth2.resourceserver.jwt.audiences.");
		}
		if (this.settings.mode() == SecurityMode.NONE) {
			logger.info("No authentication (captionflow.gateway.security.mode=none): the gateway is open to "
					+ "processes of this host, on {}", this.bind.describe());
		}
	}

	/**
	 * Webhooks: each source authenticates with its own secret or token, checked by the
	 * webhook endpoint; no session, no CSRF token.
	 */
	@Bean
	@Order(0)
	SecurityWebFilterChain webhookAccess(ServerHttpSecurity http) {
		return common(http).securityMatcher(ServerWebExchangeMatchers.pathMatchers("/api/webhooks/**"))
			.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.build();
	}

	@Bean
	@Order(1)
	SecurityWebFilterChain apiAccess(ServerHttpSecurity http, ObjectProvider<ReactiveJwtDecoder> jwtDecoder,
			ObjectProvider<ReactiveClientRegistrationRepository> registrations) {
		common(http);
		if (this.settings.mode() == SecurityMode.NONE) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
				.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
				.build();
		}
		ReactiveJwtDecoder decoder = jwtDecoder.getIfAvailable();
		if (decoder == null) {
			throw new IllegalStateException("captionflow.gateway.security.mode is oauth2 but no issuer is "
					+ "configured: set spring.security.oauth2.resourceserver.jwt.issuer-uri (or jwk-set-uri)");
		}
		ReactiveClientRegistrationRepository login = registrations.getIfAvailable();
		boolean pagesSignIn = login != null
				&& login.findByRegistrationId(LOGIN_REGISTRATION).blockOptional().isPresent();
		if (!pagesSignIn) {
			logger.warn(
					"No OAuth2 login client registration '{}' (spring.security.oauth2.client.registration.{}.*): "
							+ "the pages cannot sign in; only API clients with bearer tokens are served",
					LOGIN_REGISTRATION, LOGIN_REGISTRATION);
		}
		http.authorizeExchange((exchanges) -> exchanges.pathMatchers("/actuator/health", "/actuator/health/**")
			.permitAll()
			.pathMatchers("/css/**", "/js/**", "/favicon.ico")
			.permitAll()
			.pathMatchers("/actuator/**")
			.hasAuthority(Permission.ADMIN.authority())
			.pathMatchers(HttpMethod.GET, "/api/**")
			.hasAuthority(Permission.READ.authority())
			.pathMatchers(HttpMethod.POST, "/api/videos")
			.hasAuthority(Permission.ADMIN.authority())
			.pathMatchers(HttpMethod.PATCH, "/api/videos/*")
			.hasAuthority(Permission.ADMIN.authority())
			.pathMatchers("/api/videos/*/captions", "/api/videos/*/captions/**")
			.hasAuthority(Permission.ANNOTATE.authority())
			.pathMatchers("/api/**")
			.denyAll()
			.anyExchange()
			.hasAuthority(Permission.READ.authority()));
		ServerAuthenticationEntryPoint unauthenticated = unauthenticated(pagesSignIn);
		http.oauth2ResourceServer(
				(server) -> server.jwt((jwt) -> jwt.jwtDecoder(decoder).jwtAuthenticationConverter(jwtPermissions()))
					.authenticationEntryPoint(unauthenticated)
					.accessDeniedHandler(forbidden()));
		http.exceptionHandling(
				(handling) -> handling.authenticationEntryPoint(unauthenticated).accessDeniedHandler(forbidden()));
		// only a write that carries cookies can ride a session a page elsewhere could
		// use;
		// one with a bearer token, or with no cookie at all, needs no CSRF token (and the
		// latter is answered 401)
		ServerWebExchangeMatcher cookieWrites = new AndServerWebExchangeMatcher(CsrfWebFilter.DEFAULT_CSRF_MATCHER,
				new NegatedServerWebExchangeMatcher(AccessConfiguration::bearer),
				(exchange) -> exchange.getRequest().getCookies().isEmpty()
						? ServerWebExchangeMatcher.MatchResult.notMatch()
						: ServerWebExchangeMatcher.MatchResult.match());
		CookieServerCsrfTokenRepository tokens = CookieServerCsrfTokenRepository.withHttpOnlyFalse();
		tokens.setCookieCustomizer((cookie) -> cookie.sameSite("Strict"));
		http.csrf((csrf) -> csrf.csrfTokenRepository(tokens)
			.csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
			.requireCsrfProtectionMatcher(cookieWrites)
			.accessDeniedHandler((exchange, denied) -> Refusal
				.of(HttpStatus.FORBIDDEN, "CSRF token missing or invalid",
						"a write with the session cookie must send the XSRF-TOKEN cookie's value in the "
								+ "X-XSRF-TOKEN header")
				.write(exchange)));
		http.addFilterAfter(csrfCookie(), SecurityWebFiltersOrder.CSRF);
		if (pagesSignIn) {
			http.requestCache((cache) -> cache.requestCache(PAGE_ASKED_FOR));
			DefaultServerOAuth2AuthorizationRequestResolver requests = new DefaultServerOAuth2AuthorizationRequestResolver(
					login);
			requests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
			http.oauth2Login((oauth2) -> oauth2.authorizationRequestResolver(requests));
			// POST /logout ends the session here and, where the issuer offers it, there
			OidcClientInitiatedServerLogoutSuccessHandler loggedOut = new OidcClientInitiatedServerLogoutSuccessHandler(
					login);
			loggedOut.setPostLogoutRedirectUri("{baseUrl}/");
			http.logout((logout) -> logout.logoutSuccessHandler(loggedOut));
		}
		else {
			http.logout(ServerHttpSecurity.LogoutSpec::disable);
		}
		return http.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.build();
	}

	/**
	 * The data folder made owner-only before the database opens; static, so that it does
	 * not make this configuration early.
	 */
	@Bean
	static PrivateDataDirectory privateDataDirectory() {
		return new PrivateDataDirectory();
	}

	/**
	 * No PostgreSQL without a password; static, as the one above.
	 */
	@Bean
	static DatabasePassword databasePassword() {
		return new DatabasePassword();
	}

	/**
	 * A URL the security layer's firewall refuses (a {@code //}, an encoded slash or dot
	 * segment, a header value with control characters) gets a problem body as any other
	 * refusal.
	 */
	@Bean
	ServerExchangeRejectedHandler rejectedUrls() {
		return (exchange, ex) -> Refusal
			.of(HttpStatus.BAD_REQUEST, "Invalid request",
					Objects.requireNonNullElse(ex.getMessage(), ex.getClass().getSimpleName()))
			.write(exchange);
	}

	/**
	 * The users the pages sign in: their permissions from the access token's scopes and
	 * the ID token's roles claim.
	 */
	@Bean
	ReactiveOAuth2UserService<OidcUserRequest, OidcUser> signedInUsers() {
		OidcReactiveOAuth2UserService users = new OidcReactiveOAuth2UserService();
		AccessProperties.Scopes scopes = this.settings.scopes();
		String rolesClaim = this.settings.rolesClaim();
		return (request) -> users.loadUser(request).map((user) -> {
			List<String> names = new ArrayList<>(request.getAccessToken().getScopes());
			names.addAll(Permission.roles(user.getClaims(), rolesClaim));
			List<GrantedAuthority> authorities = new ArrayList<>(Permission.authorities(names, scopes));
			authorities.add(new SimpleGrantedAuthority("OIDC_USER"));
			return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo());
		});
	}

	private ServerHttpSecurity common(ServerHttpSecurity http) {
		return http
			// after the headers writer, so that a refusal carries the security headers
			// too
			.addFilterAfter(
					new HostAndOriginCheck(HostAndOriginCheck.allowedHosts(this.settings.allowedHosts(), this.bind),
							this.settings.allowedOrigins()),
					SecurityWebFiltersOrder.HTTP_HEADERS_WRITER)
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)))
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable);
	}

	private ReactiveJwtAuthenticationConverter jwtPermissions() {
		AccessProperties.Scopes scopes = this.settings.scopes();
		String rolesClaim = this.settings.rolesClaim();
		ReactiveJwtAuthenticationConverter converter = new ReactiveJwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter((jwt) -> {
			List<String> names = new ArrayList<>(Permission.names(jwt.getClaims().get("scope")));
			names.addAll(Permission.names(jwt.getClaims().get("scp")));
			names.addAll(Permission.roles(jwt.getClaims(), rolesClaim));
			return Flux.fromIterable(Permission.authorities(names, scopes));
		});
		return converter;
	}

	/**
	 * Not signed in: a page is sent to the login, an API request answered 401 with a
	 * problem saying why (no token, or what is wrong with the one sent).
	 */
	private ServerAuthenticationEntryPoint unauthenticated(boolean pagesSignIn) {
		MediaTypeServerWebExchangeMatcher pages = new MediaTypeServerWebExchangeMatcher(MediaType.TEXT_HTML);
		pages.setIgnoredMediaTypes(Set.of(MediaType.ALL));
		// keeps the page asked for in a cookie, not in a session made for a visitor who
		// may never sign in: the login returns to it
		RedirectServerAuthenticationEntryPoint login = new RedirectServerAuthenticationEntryPoint(LOGIN_PATH);
		login.setRequestCache(PAGE_ASKED_FOR);
		return (exchange, ex) -> {
			if (pagesSignIn && !exchange.getRequest().getPath().value().startsWith("/api/")) {
				return pages.matches(exchange).flatMap((match) -> {
					if (match.isMatch()) {
						return login.commence(exchange, ex);
					}
					return refuseUnauthenticated(exchange, ex, pagesSignIn);
				});
			}
			return refuseUnauthenticated(exchange, ex, pagesSignIn);
		};
	}

	private Mono<Void> refuseUnauthenticated(ServerWebExchange exchange, Exception ex, boolean pagesSignIn) {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		String detail;
		if (ex instanceof OAuth2AuthenticationException oauth2 && oauth2.getError().getDescription() != null) {
			detail = "the bearer token is not accepted: " + oauth2.getError().getDescription();
			headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
		}
		else {
			detail = "sign in, or send a bearer token of the configured issuer";
			headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		if (pagesSignIn) {
			headers.set(LOGIN_HEADER, LOGIN_PATH);
		}
		return Refusal.of(HttpStatus.UNAUTHORIZED, "Not authenticated", detail).write(exchange);
	}

	private ServerAccessDeniedHandler forbidden() {
		return (exchange, denied) -> {
			if (hasBearer(exchange)) {
				exchange.getResponse()
					.getHeaders()
					.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
			}
			return Refusal
				.of(HttpStatus.FORBIDDEN, "Not allowed",
						"the credentials do not grant the permission " + required(exchange) + " this request needs")
				.write(exchange);
		};
	}

	/** The permission a request needs, as the rules above say, for the refusal's text. */
	private String required(ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().value();
		HttpMethod method = exchange.getRequest().getMethod();
		AccessProperties.Scopes scopes = this.settings.scopes();
		if (path.startsWith("/actuator/") || (HttpMethod.POST.equals(method) && path.equals("/api/videos"))
				|| HttpMethod.PATCH.equals(method)) {
			return "admin (scope " + scopes.admin() + ")";
		}
		if (!HttpMethod.GET.equals(method) && path.startsWith("/api/videos/")) {
			return "annotate (scope " + scopes.annotate() + ")";
		}
		return "read (scope " + scopes.read() + ")";
	}

	private static Mono<ServerWebExchangeMatcher.MatchResult> bearer(ServerWebExchange exchange) {
		return hasBearer(exchange) ? ServerWebExchangeMatcher.MatchResult.match()
				: ServerWebExchangeMatcher.MatchResult.notMatch();
	}

	private static boolean hasBearer(ServerWebExchange exchange) {
		String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
	}

	/**
	 * Sets the CSRF cookie on every response but those to bearer tokens: the token is
	 * made only when something asks for it, and the pages read it from the cookie before
	 * their first write.
	 */
	private static WebFilter csrfCookie() {
		return (exchange, chain) -> {
			Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
			return (token != null && !hasBearer(exchange)) ? token.then(chain.filter(exchange))
					: chain.filter(exchange);
		};
	}

}
