/**
 * Videos: the catalogue and the {@code videos} table (other modules ask {@link Videos}),
 * and the import of videos described by manifests under the media root.
 */
@ApplicationModule(allowedDependencies = { "web" })
@NullMarked
package io.captionflow.gateway.video;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
