/**
 * Publishing what the worker did, as flow events, and waiting for the broker to
 * acknowledge them.
 */
package io.captionflow.worker.report;
