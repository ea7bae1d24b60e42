package io.captionflow.gateway.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Makes the gateway's data folder ({@code captionflow.gateway.data-dir}, the H2 database
 * by default) owner-only before anything opens it: the folder {@code rwx------}, the
 * files in it {@code rw-------}, so other users of the host read no caption, no session
 * and no webhook delivery. Runs before any bean is made, so before the database opens.
 */
final class PrivateDataDirectory implements BeanFactoryPostProcessor, EnvironmentAware {

	static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");

	static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

	private @Nullable String folder;

	@Override
	public void setEnvironment(Environment environment) {
		this.folder = environment.getProperty("captionflow.gateway.data-dir", "./data");
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		if (this.folder != null && !this.folder.isBlank()) {
			protect(Path.of(this.folder));
		}
	}

	/**
	 * Makes a folder, if missing, and it and the files directly in it owner-only.
	 * @param folder the folder
	 */
	static void protect(Path folder) {
		try {
			if (Files.getFileStore(Files.createDirectories(folder.toAbsolutePath().getParent()))
				.supportsFileAttributeView(PosixFileAttributeView.class)) {
				if (!Files.isDirectory(folder)) {
					Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER));
				}
				Files.setPosixFilePermissions(folder, FOLDER);
				try (Stream<Path> files = Files.list(folder)) {
					for (Path file : (Iterable<Path>) files::iterator) {
						if (Files.isRegularFile(file)) {
							Files.setPosixFilePermissions(file, FILE);
						}
					}
				}
			}
			else {
				Files.createDirectories(folder);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"cannot make the data folder " + folder + " owner-only (captionflow.gateway.data-dir)", ex);
		}
	}

}
