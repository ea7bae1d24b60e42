package io.captionflow.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One operating-system process the harness started, with its output appended to a log of
 * its own, that can be killed ({@code SIGKILL}), stopped ({@code SIGTERM}) and started
 * again with the same command. Every live one is known to a registry that a shutdown hook
 * empties, so that no broker or gateway outlives the suite, however it ends.
 */
final class LaunchedProcess {

	private static final Set<LaunchedProcess> LIVE = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(LaunchedProcess::killAll, "chaos-cleanup"));
	}

	private final String name;

	private final List<String> command;

	private final Map<String, String> environment;

	private final Path log;

	private volatile Process process;

	LaunchedProcess(String name, List<String> command, Map<String, String> environment, Path log) {
		this.name = name;
		this.command = List.copyOf(command);
		this.environment = Map.copyOf(environment);
		this.log = log;
	}

	String name() {
		return this.name;
	}

	Path log() {
		return this.log;
	}

	synchronized LaunchedProcess start() throws IOException {
		if (isAlive()) {
			return this;
		}
		Files.createDirectories(this.log.getParent());
		Files.writeString(this.log, "[chaos " + Instant.now() + "] starting " + String.join(" ", this.command) + "\n",
				StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		ProcessBuilder builder = new ProcessBuilder(this.command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
		builder.environment().putAll(this.environment);
		this.process = builder.start();
		LIVE.add(this);
		return this;
	}

	boolean isAlive() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * {@code kill -9}: no shutdown hook runs, nothing is flushed. Its children (a
	 * worker's decoder and OCR processes) are not signalled: they are to notice by
	 * themselves.
	 * @return the children it had, to check they went away
	 */
	List<ProcessHandle> kill() throws InterruptedException {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			return List.of();
		}
		List<ProcessHandle> children = current.descendants().toList();
		note("kill -9");
		current.destroyForcibly();
		current.waitFor(30, TimeUnit.SECONDS);
		LIVE.remove(this);
		return children;
	}

	/**
	 * {@code kill -TERM}, and waits until the process is gone (at most a minute, then
	 * {@code kill -9}).
	 */
	void stop() throws InterruptedException {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			LIVE.remove(this);
			return;
		}
		note("kill -TERM");
		current.destroy();
		if (!current.waitFor(60, TimeUnit.SECONDS)) {
			note("still running a minute after SIGTERM: kill -9");
			current.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
		current.descendants().forEach(ProcessHandle::destroyForcibly);
		LIVE.remove(this);
	}

	void note(String line) {
		try {
			Files.writeString(this.log, "[chaos " + Instant.now() + "] " + line + "\n", StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			// the log is for people; the process's state is what the suite checks
		}
	}

	static void killAll() {
		for (LaunchedProcess launched : List.copyOf(LIVE)) {
			Process current = launched.process;
			if (current != null) {
				List<ProcessHandle> tree = new ArrayList<>(current.descendants().toList());
				current.destroyForcibly();
				tree.forEach(ProcessHandle::destroyForcibly);
			}
			LIVE.remove(launched);
		}
	}

}
