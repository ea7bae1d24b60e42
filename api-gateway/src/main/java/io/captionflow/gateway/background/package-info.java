/**
 * Work done in the background, never on the event loop: loops in rounds on threads of
 * their own, woken once the transaction that gave them work has committed.
 */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package io.captionflow.gateway.background;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
