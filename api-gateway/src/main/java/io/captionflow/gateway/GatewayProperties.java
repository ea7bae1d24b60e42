package io.captionflow.gateway;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the gateway as a whole. Each module binds its own settings under
 * {@code captionflow.gateway} (for example {@code OutboxProperties},
 * {@code NotifyProperties}, {@code AdmissionProperties}); this record holds what belongs
 * to none of them.
 *
 * @param dataDir folder of the gateway's own files (the H2 database by default), made
 * owner-only at start-up
 */
@ConfigurationProperties("captionflow.gateway")
public record GatewayProperties(@DefaultValue("./data") Path dataDir) {
}
