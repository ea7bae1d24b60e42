/**
 * Who may do what: open on a loopback address, or bearer JWTs for API clients and an
 * OAuth2 login for the pages, with read, annotate and admin permissions; the allowed
 * hosts and origins, and the browser's security headers.
 */
@ApplicationModule(allowedDependencies = { "web" })
@NullMarked
package io.captionflow.gateway.security;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
