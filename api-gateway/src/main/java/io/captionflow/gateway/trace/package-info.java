/**
 * Traces where their context cannot travel by itself: into an outbox row that is
 * published later on another thread, and into the notification a browser receives.
 */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package io.captionflow.gateway.trace;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
