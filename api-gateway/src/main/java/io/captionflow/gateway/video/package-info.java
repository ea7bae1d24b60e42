/**
 * Videos: the catalogue and the {@code videos} table (other modules ask {@link Videos}),
 * and the import of videos described by manifests under the media root.
 */
@ApplicationModule(allowedDependencies = { "web" })
package io.captionflow.gateway.video;

import org.springframework.modulith.ApplicationModule;
