/**
 * Applying the workers' flow events: each at most once, never over a newer save, with its
 * notification, in one transaction.
 */
@ApplicationModule(allowedDependencies = { "background", "caption", "notify", "messaging", "trace", "web" })
@NullMarked
package io.captionflow.gateway.flow;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
