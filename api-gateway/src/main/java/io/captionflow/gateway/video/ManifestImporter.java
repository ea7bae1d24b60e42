package io.captionflow.gateway.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import io.captionflow.events.EventJson;
import io.captionflow.events.VideoManifest;
import io.captionflow.gateway.GatewayProperties;
import io.captionflow.gateway.caption.CaptionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Registers, at start-up, every video described by a {@code *.video.json} manifest under
 * the media root that is not registered yet, with its predicted captions, each in one
 * transaction.
 */
@Component
class ManifestImporter implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(ManifestImporter.class);

	private final GatewayProperties properties;

	private final VideoCatalog catalog;

	private final CaptionStore captions;

	private final TransactionalOperator transaction;

	private final Clock clock;

	ManifestImporter(GatewayProperties properties, VideoCatalog catalog, CaptionStore captions,
			TransactionalOperator transaction, Clock clock) {
		this.properties = properties;
		this.catalog = catalog;
		this.captions = captions;
		this.transaction = transaction;
		this.clock = clock;
	}

	@Override
	public void run(ApplicationArguments args) throws IOException {
		Path root = this.properties.mediaRoot();
		if (!this.properties.importManifests() || !Files.isDirectory(root)) {
			return;
		}
		List<Path> manifests;
		try (Stream<Path> files = Files.walk(root, 4)) {
			manifests = files.filter((file) -> file.getFileName().toString().endsWith(VideoManifest.SUFFIX))
				.sorted()
				.toList();
		}
		for (Path file : manifests) {
			try {
				VideoManifest manifest = EventJson.mapper().readValue(file.toFile(), VideoManifest.class);
				Long imported = importIfNew(manifest).block(Duration.ofSeconds(30));
				if (imported != null && imported >= 0) {
					logger.info("Registered video '{}' from {} with {} predicted captions", manifest.id(), file,
							imported);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Cannot import video manifest {}: {}", file, ex.getMessage());
			}
		}
	}

	Mono<Long> importIfNew(VideoManifest manifest) {
		Instant now = this.clock.instant();
		List<int[]> ranges = manifest.captions()
			.stream()
			.map((caption) -> new int[] { caption.startFrameIndex(), caption.endFrameIndex() })
			.toList();
		return this.catalog.find(manifest.id())
			.map((existing) -> -1L)
			.switchIfEmpty(this.transaction.transactional(this.catalog.register(manifest, now)
				.then(this.captions.insertPredicted(manifest.id(), ranges, now))));
	}

}
