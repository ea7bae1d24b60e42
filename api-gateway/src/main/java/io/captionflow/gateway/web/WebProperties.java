package io.captionflow.gateway.web;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What the gateway serves and accepts over HTTP.
 *
 * @param mediaRoot folder videos live in; video media locations are relative to it
 * @param maxRequestBody the largest request body accepted
 */
@ConfigurationProperties("captionflow.gateway")
public record WebProperties(@DefaultValue("./data/media") Path mediaRoot,
		@DefaultValue("64KB") DataSize maxRequestBody) {
}
