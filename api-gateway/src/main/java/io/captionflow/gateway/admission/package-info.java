/**
 * Abuse limits: how many event streams one client address and the whole instance hold,
 * how fast one client may write, and how long a connection may take to send its request,
 * so that one client can never hold up another.
 */
@ApplicationModule(allowedDependencies = { "web" })
@NullMarked
package io.captionflow.gateway.admission;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
