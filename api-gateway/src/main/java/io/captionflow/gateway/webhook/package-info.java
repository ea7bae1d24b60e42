/**
 * Webhooks from external systems (an orchestrator, a CI job, a script), each a source
 * with its own credential and flows: job statuses appended to the notification log and
 * pushed like the pipeline's own.
 */
@ApplicationModule(allowedDependencies = { "video", "notify", "security", "background", "web" })
package io.captionflow.gateway.webhook;

import org.springframework.modulith.ApplicationModule;
