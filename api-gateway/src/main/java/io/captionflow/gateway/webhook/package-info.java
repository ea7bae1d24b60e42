/**
 * Webhooks from external systems (an orchestrator, a CI job, a script): job statuses
 * appended to the notification log and pushed like the pipeline's own.
 */
package io.captionflow.gateway.webhook;
