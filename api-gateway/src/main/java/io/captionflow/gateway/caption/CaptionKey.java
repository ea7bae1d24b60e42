package io.captionflow.gateway.caption;

import io.captionflow.gateway.web.NotFoundException;

/**
 * Names one caption: captions are addressed by their video and their id together, so a
 * caption id under another video's path names nothing.
 *
 * @param videoId the video
 * @param captionId the caption
 */
record CaptionKey(String videoId, long captionId) {

	/**
	 * The answer to a request for this caption when it does not exist.
	 * @return a 404 naming it
	 */
	NotFoundException notFound() {
		return new NotFoundException(this + " does not exist");
	}

	@Override
	public String toString() {
		return "caption " + this.captionId + " of video '" + this.videoId + "'";
	}

}
