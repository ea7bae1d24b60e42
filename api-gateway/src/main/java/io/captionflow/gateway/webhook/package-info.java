/**
 * Webhooks from external systems (an orchestrator, a CI job, a script), each a source
 * with its own credential and flows: job statuses appended to the notification log and
 * pushed like the pipeline's own.
 */
@ApplicationModule(allowedDependencies = { "video", "notify", "security", "background", "web" })
@NullMarked
package io.captionflow.gateway.webhook;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
