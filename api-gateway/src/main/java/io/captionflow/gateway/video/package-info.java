/**
 * Videos: the catalogue, their stats, and the import of videos described by manifests
 * under the media root.
 */
package io.captionflow.gateway.video;
