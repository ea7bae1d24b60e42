/**
 * Fault injection on real processes on loopback: brokers, a database, gateways and
 * workers are killed, stopped and restarted under a steady load of saves and SSE clients,
 * and the suite checks that nothing answered is lost, applied twice, missed or left
 * stuck.
 */
package io.captionflow.chaos;
