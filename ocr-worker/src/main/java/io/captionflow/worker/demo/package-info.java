/**
 * Renders demo and test videos with burned-in captions over a moving, textured
 * background, and the manifest the gateway imports them with.
 */
package io.captionflow.worker.demo;
