package io.captionflow.gateway.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.captionflow.gateway.web.Refusal;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses, with 403, a request addressed to a host name not allowed (a DNS rebinding page
 * reaching a gateway on this host's loopback by a name of its own), and a request a
 * browser sent from another origin than the gateway's own or an allowed one (a page
 * elsewhere posting to the API with the user's session or to an open gateway).
 */
final class HostAndOriginCheck implements WebFilter {

	private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");

	private final Set<String> hosts;

	private final Set<String> origins;

	/**
	 * Creates the check.
	 * @param allowedHosts the host names allowed; empty for any
	 * @param allowedOrigins the origins allowed besides the gateway's own
	 */
	HostAndOriginCheck(List<String> allowedHosts, List<String> allowedOrigins) {
		this.hosts = allowedHosts.stream()
			.map(String::strip)
			.filter((host) -> !host.isEmpty())
			.map(HostAndOriginCheck::hostName)
			.collect(Collectors.toUnmodifiableSet());
		this.origins = allowedOrigins.stream()
			.map(String::strip)
			.filter((origin) -> !origin.isEmpty())
			.map((origin) -> {
				String normalized = origin(origin);
				if (normalized == null) {
					throw new IllegalArgumentException("captionflow.gateway.security.allowed-origins: '" + origin
							+ "' is not an origin such as https://captions.example.com");
				}
				return normalized;
			})
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * The host names a gateway allows by default.
	 * @param configured the configured names
	 * @param bind the address it listens on
	 * @return the configured names; none configured, the loopback names on a loopback
	 * bind, and none (any) on another bind
	 */
	static List<String> allowedHosts(List<String> configured, ServerBind bind) {
		if (configured.stream().anyMatch((host) -> !host.isBlank())) {
			return configured;
		}
		return bind.loopback() ? LOOPBACK_NAMES : List.of();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		URI uri = exchange.getRequest().getURI();
		String host = (uri.getHost() != null) ? hostName(uri.getHost()) : null;
		if (!this.hosts.isEmpty() && (host == null || !this.hosts.contains(host))) {
			return Refusal
				.of(HttpStatus.FORBIDDEN, "Host not allowed",
						"requests addressed to '" + host
								+ "' are not served; allow the name in captionflow.gateway.security.allowed-hosts")
				.write(exchange);
		}
		String origin = exchange.getRequest().getHeaders().getFirst(HttpHeaders.ORIGIN);
		if (origin != null) {
			String normalized = origin(origin);
			String own = origin(uri.getScheme() + "://" + uri.getRawAuthority());
			if (normalized == null || !(normalized.equals(own) || this.origins.contains(normalized))) {
				return Refusal.of(HttpStatus.FORBIDDEN, "Origin not allowed",
						"requests from pages of " + ((normalized != null) ? normalized : "an opaque origin")
								+ " are not served; allow the origin in captionflow.gateway.security.allowed-origins")
					.write(exchange);
			}
		}
		return chain.filter(exchange);
	}

	private static String hostName(String host) {
		String name = host.toLowerCase(Locale.ROOT);
		return (name.startsWith("[") && name.endsWith("]")) ? name.substring(1, name.length() - 1) : name;
	}

	/**
	 * An origin as {@code scheme://host[:port]}, lower case, without the scheme's default
	 * port.
	 * @param text an origin or URL
	 * @return the origin, or null for {@code null} (an opaque origin) or anything not an
	 * http(s) origin
	 */
	static @Nullable String origin(String text) {
		try {
			URI uri = new URI(text.strip());
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
			if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
				return null;
			}
			int port = uri.getPort();
			boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80)
					|| ("https".equals(scheme) && port == 443);
			return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

}
