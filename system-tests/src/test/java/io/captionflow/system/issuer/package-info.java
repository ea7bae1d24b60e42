/**
 * A real OAuth2/OpenID Connect issuer for the tests: Spring Authorization Server on a
 * loopback port, with its own configuration, scanning nothing of the gateway or worker.
 */
package io.captionflow.system.issuer;
