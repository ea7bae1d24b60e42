/**
 * Applying the workers' flow events: each at most once, never over a newer save, with its
 * notification, in one transaction.
 */
package io.captionflow.gateway.flow;
