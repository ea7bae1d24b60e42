package io.captionflow.worker.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs a main class of this application in a child JVM, from a
 * plain classpath (tests, IDEs) or from inside a Spring Boot executable jar, where the
 * class is reached through Boot's {@code PropertiesLauncher}.
 */
public final class ChildCommand {

	private static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	private ChildCommand() {
	}

	/**
	 * The command line of a child JVM.
	 * @param mainClass the class whose {@code main} the child runs
	 * @param maxHeapMegabytes the child's Java heap
	 * @param crashReports the folder the child's JVM writes its crash report to, named
	 * {@link ChildProcess#crashReportName(long)}
	 * @return the command, to which the socket path is added
	 */
	public static List<String> forClass(Class<?> mainClass, int maxHeapMegabytes, Path crashReports) {
		return forClass(mainClass, maxHeapMegabytes, crashReports, true);
	}

	/**
	 * The command line of a child JVM.
	 * @param mainClass the class whose {@code main} the child runs
	 * @param maxHeapMegabytes the child's Java heap
	 * @param crashReports the folder the child's JVM writes its crash report to, named
	 * {@link ChildProcess#crashReportName(long)}
	 * @param quickStart compile with C1 only: a faster start, for children whose work is
	 * native; false for children that run hot Java loops
	 * @return the command, to which the socket path is added
	 */
	public static List<String> forClass(Class<?> mainClass, int maxHeapMegabytes, Path crashReports,
			boolean quickStart) {
		String java = ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// the JVM's crash report names the signal when native code takes the child down
		String crashReport = crashReports.toAbsolutePath().resolve("captionflow-child-%p.log").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeapMegabytes + "m", "-XX:+UseSerialGC"));
		if (quickStart) {
			command.add("-XX:TieredStopAtLevel=1");
		}
		command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true",
				"-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + crashReport));
		// Tess4J and JNA unpack native code in the temporary folder: never a shared one
		command.addAll(List.of(PrivateTemp.childOptions()));
		command.addAll(List.of("-cp", System.getProperty("java.class.path")));
		if (mainClass.getClassLoader() == ClassLoader.getSystemClassLoader()) {
			command.add(mainClass.getName());
		}
		else {
			// inside a Boot jar the class lives in a nested jar only Boot's loader can
			// read
			command.add("-Dloader.main=" + mainClass.getName());
			command.add(BOOT_LAUNCHER);
		}
		return List.copyOf(command);
	}

}
