package io.captionflow.worker.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's children unpack native code in a temporary folder of their own: fresh,
 * owner-only, the same for every child of the process.
 */
class PrivateTempTests {

	@Test
	void childrenGetAnOwnerOnlyFolderOfTheirOwn() throws IOException {
		Path folder = PrivateTemp.directory();
		assertThat(folder).isDirectory();
		assertThat(folder.getFileName().toString()).startsWith("captionflow-" + ProcessHandle.current().pid() + "-");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
		assertThat(PrivateTemp.directory()).isEqualTo(folder);
		assertThat(PrivateTemp.childOptions()).contains("-Djava.io.tmpdir=" + folder, "-Djna.tmpdir=" + folder);
		List<String> command = ChildCommand.forClass(PrivateTempTests.class, 64, folder);
		assertThat(command).contains("-Djava.io.tmpdir=" + folder)
			.noneMatch((option) -> option.startsWith("-Djava.io.tmpdir=") && !option.endsWith(folder.toString()));
	}

}
