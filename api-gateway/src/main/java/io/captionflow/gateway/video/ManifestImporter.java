package io.captionflow.gateway.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.captionflow.events.EventJson;
import io.captionflow.events.VideoManifest;
import io.captionflow.events.WorkLimits;
import io.captionflow.gateway.web.InvalidRequestException;
import io.captionflow.gateway.web.LogText;
import io.captionflow.gateway.web.MediaFiles;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Registers, at start-up, every video described by a {@code *.video.json} manifest under
 * the media root that is not registered yet, with its predicted captions, each in one
 * transaction. A manifest is input like any request: it is read only up to
 * {@code limits.max-manifest-size}, checked field by field as the API checks a
 * registration, its media probed (the probe's size, rate and frame count are what is
 * registered), and its captions held to the video and the limits; one that fails is
 * logged with the reason and skipped, and the others are imported.
 */
@Component
class ManifestImporter implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(ManifestImporter.class);

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	/** The probe answers within its own timeout; this only bounds the wait for it. */
	private static final Duration PROBE_WAIT = Duration.ofMinutes(2);

	private final VideoProperties properties;

	private final VideoCatalog catalog;

	private final PredictedCaptions captions;

	private final TransactionalOperator transaction;

	private final Clock clock;

	private final VideoProbe probe;

	private final OcrLanguages languages;

	private final MediaFiles media;

	ManifestImporter(VideoProperties properties, MediaFiles media, VideoCatalog catalog, PredictedCaptions captions,
			TransactionalOperator transaction, Clock clock, VideoProbe probe, OcrLanguages languages) {
		this.properties = properties;
		this.catalog = catalog;
		this.captions = captions;
		this.transaction = transaction;
		this.clock = clock;
		this.probe = probe;
		this.languages = languages;
		this.media = media;
	}

	@Override
	public void run(ApplicationArguments args) throws IOException {
		Path root = this.media.root();
		if (!this.properties.importManifests() || !Files.isDirectory(root)) {
			return;
		}
		List<Path> manifests;
		try (Stream<Path> files = Files.walk(root, 4)) {
			// a link is not followed: a manifest linked from outside the root is not read
			manifests = files
				.filter((file) -> file.getFileName().toString().endsWith(VideoManifest.SUFFIX)
						&& Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
				.sorted()
				.toList();
		}
		for (Path file : manifests) {
			try {
				VideoManifest manifest = read(file);
				if (!ID.matcher(manifest.id()).matches()) {
					throw new InvalidRequestException("id", "must be 1 to 64 letters, digits, '_', '.' or '-'");
				}
				if (Boolean.TRUE.equals(this.catalog.find(manifest.id()).hasElement().block(Duration.ofSeconds(30)))) {
					// registered before: not probed again at every start
					continue;
				}
				manifest = checked(manifest);
				Long imported = importIfNew(manifest).block(Duration.ofSeconds(30));
				if (imported != null && imported >= 0) {
					logger.info("Registered video '{}' from {} with {} predicted captions", manifest.id(), file,
							imported);
				}
			}
			catch (InvalidRequestException ex) {
				logger.warn("Video manifest {} is not imported: {} {}", file, ex.field(),
						LogText.escape(ex.getMessage()));
			}
			catch (RuntimeException ex) {
				logger.warn("Cannot import video manifest {}: {}", file, LogText.escape(ex.getMessage()));
			}
		}
	}

	private VideoManifest read(Path file) throws IOException {
		long size = Files.size(file);
		long limit = this.properties.limits().maxManifestSize().toBytes();
		if (size > limit) {
			throw new InvalidRequestException("manifest", "is " + size + " bytes; the largest accepted is " + limit);
		}
		try {
			return EventJson.mapper().readValue(Files.readAllBytes(file), VideoManifest.class);
		}
		catch (JacksonException | IllegalArgumentException | NullPointerException ex) {
			throw new InvalidRequestException("manifest", "is not a video manifest: " + firstLine(ex.getMessage()));
		}
	}

	/**
	 * Holds a manifest to what the API asks of a registration, and takes the video's
	 * facts from its media rather than from the manifest.
	 */
	private VideoManifest checked(VideoManifest manifest) {
		WorkLimits limits = this.properties.limits().work();
		if (manifest.title().isBlank() || manifest.title().length() > 200
				|| manifest.title().chars().anyMatch(Character::isISOControl)) {
			throw new InvalidRequestException("title", "must be 1 to 200 characters without control characters");
		}
		limits.checkLanguage(manifest.language()).ifPresent(ManifestImporter::refuse);
		this.languages.check(manifest.language());
		int count = manifest.captions().size();
		if (count > this.properties.limits().maxManifestCaptions()) {
			throw new InvalidRequestException("captions", "holds " + count + " captions; at most "
					+ this.properties.limits().maxManifestCaptions() + " are imported");
		}
		// the probe gives facts or fails, never nothing
		VideoProbe.Facts facts = Objects.requireNonNull(this.probe.probe(manifest.media()).block(PROBE_WAIT),
				"the probe gave no facts");
		if (facts.width() != manifest.width() || facts.height() != manifest.height()
				|| facts.frameCount() != manifest.frameCount()) {
			logger.warn(
					"Video manifest of '{}' says {}x{}, {} frames; its media has {}x{}, {} frames: registering "
							+ "what the media has",
					manifest.id(), manifest.width(), manifest.height(), manifest.frameCount(), facts.width(),
					facts.height(), facts.frameCount());
		}
		limits.checkCrop(manifest.crop(), facts.width(), facts.height()).ifPresent(ManifestImporter::refuse);
		for (int i = 0; i < count; i++) {
			VideoManifest.PredictedCaption caption = manifest.captions().get(i);
			int index = i;
			limits.checkRange(caption.startFrameIndex(), caption.endFrameIndex(), facts.frameCount())
				.ifPresent((violation) -> refuse(
						new WorkLimits.Violation("captions[" + index + "]." + violation.field(), violation.message())));
		}
		return new VideoManifest(manifest.id(), manifest.title(), manifest.media(), facts.fps(), facts.frameCount(),
				facts.width(), facts.height(), manifest.crop(), manifest.language(), manifest.captions());
	}

	private static void refuse(WorkLimits.Violation violation) {
		throw new InvalidRequestException(violation.field(), violation.message());
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "";
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline);
	}

	Mono<Long> importIfNew(VideoManifest manifest) {
		Instant now = this.clock.instant();
		return this.catalog.find(manifest.id())
			.map((existing) -> -1L)
			.switchIfEmpty(this.transaction.transactional(this.catalog.register(manifest, now)
				.then(this.captions.register(manifest.id(), manifest.captions(), now))));
	}

}
