package io.captionflow.gateway.security;

/**
 * How the gateway authenticates its callers.
 */
public enum SecurityMode {

	/** Nobody is authenticated: for a gateway on a loopback address only. */
	NONE,

	/** Bearer JWTs for API clients, OAuth2 login for the pages. */
	OAUTH2

}
