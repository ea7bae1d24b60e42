package io.captionflow.worker.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A temporary folder only this user can enter, for this process and its children. The
 * shared {@code /tmp} is not safe for what the worker unpacks there: Tess4J loads its
 * native libraries and tessdata from {@code <java.io.tmpdir>/tess4j}, and another user
 * who made that folder first would choose the code the worker runs. The folder has a
 * random name, owner-only permissions, and is removed when the process ends.
 */
public final class PrivateTemp {

	private static final String MARKER = "captionflow.private-tmp";

	private static @Nullable Path directory;

	private PrivateTemp() {
	}

	/**
	 * Makes this process's {@code java.io.tmpdir} a private folder, unless it is one
	 * already (a child started with the parent's). Call it before anything reads the
	 * property.
	 * @return the folder
	 */
	public static synchronized Path establish() {
		Path folder = directory();
		System.setProperty("java.io.tmpdir", folder.toString());
		return folder;
	}

	/**
	 * This process's private temporary folder, made on first use.
	 * @return the folder
	 */
	public static synchronized Path directory() {
		if (directory != null) {
			return directory;
		}
		String inherited = System.getProperty(MARKER);
		if (inherited != null && inherited.equals(System.getProperty("java.io.tmpdir"))) {
			directory = Path.of(inherited);
			return directory;
		}
		Path base = Path.of(System.getProperty("java.io.tmpdir"));
		SecureRandom random = new SecureRandom();
		for (int attempt = 0; attempt < 10; attempt++) {
			byte[] name = new byte[8];
			random.nextBytes(name);
			Path folder = base
				.resolve("captionflow-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(name));
			try {
				// created with its permissions at once: no moment in which others may
				// enter
				Files.createDirectory(folder,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			}
			catch (FileAlreadyExistsException ex) {
				continue;
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot make a private temporary folder in " + base, ex);
			}
			directory = folder;
			System.setProperty(MARKER, folder.toString());
			Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(folder), "private-temp-cleanup"));
			return folder;
		}
		throw new IllegalStateException("cannot make a private temporary folder in " + base);
	}

	/**
	 * The JVM options that give a child this process's private temporary folder.
	 * @return {@code -D} options
	 */
	static String[] childOptions() {
		String folder = directory().toString();
		return new String[] { "-Djava.io.tmpdir=" + folder, "-D" + MARKER + "=" + folder, "-Djna.tmpdir=" + folder };
	}

	private static void delete(Path folder) {
		try (Stream<Path> files = Files.walk(folder)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> {
				try {
					Files.deleteIfExists(file);
				}
				catch (IOException ex) {
					// a file still held open by a child: left for the system's cleaner
				}
			});
		}
		catch (IOException ex) {
			// already gone
		}
	}

}
