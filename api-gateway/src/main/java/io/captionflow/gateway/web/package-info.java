/**
 * The web plumbing every feature shares: request text and body limits, problem responses
 * for every error and refusal, media files served safely, and the timing header.
 */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package io.captionflow.gateway.web;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
