package io.captionflow.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PostgreSQL cluster of its own (Debian's binaries, {@code initdb} and
 * {@code pg_ctl}, run as the {@code postgres} user when the suite runs as root), on its
 * own port and data folder, so that it can be stopped and started again without touching
 * the cluster the other tests use.
 */
final class PostgresCluster implements AutoCloseable {

	static final String DATABASE = "captionflow";

	static final String USER = "postgres";

	private final Path folder;

	private final Path bin;

	private final int port;

	private final Thread cleanup = new Thread(this::stopImmediately, "postgres-cleanup");

	PostgresCluster(Path folder) throws IOException, InterruptedException {
		this.folder = folder;
		this.bin = binaries();
		this.port = Settings.freePort();
		Files.createDirectories(folder);
		run("chown", "-R", "postgres:postgres", folder.toString());
		asPostgres(this.bin.resolve("initdb").toString(), "-D", data().toString(), "-U", USER, "--auth=trust", "-E",
				"UTF8", "--no-sync");
		Files.writeString(data().resolve("postgresql.auto.conf"), "listen_addresses = '127.0.0.1'\nport = " + this.port
				+ "\nunix_socket_directories = '" + folder + "'\nmax_connections = 200\nfsync = on\n");
		start();
		// pg_ctl's server is no child of this JVM: stop it however the suite ends
		Runtime.getRuntime().addShutdownHook(this.cleanup);
		createDatabase();
	}

	static boolean installed() {
		try {
			binaries();
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	String r2dbcUrl() {
		return "r2dbc:postgresql://127.0.0.1:" + this.port + "/" + DATABASE;
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + DATABASE;
	}

	void start() throws IOException, InterruptedException {
		asPostgres(this.bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l",
				this.folder.resolve("postgres.log").toString(), "-w", "-t", "60", "start");
	}

	/**
	 * Stops the server: {@code fast} disconnects every client at once.
	 */
	void stop() throws IOException, InterruptedException {
		asPostgres(this.bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "-t", "60",
				"stop");
	}

	long count(String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(jdbcUrl(), USER, "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	@Override
	public void close() throws IOException, InterruptedException {
		if (Files.exists(data().resolve("postmaster.pid"))) {
			asPostgres(this.bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "stop");
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.cleanup);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down: the hook runs
		}
	}

	private void stopImmediately() {
		try {
			if (Files.exists(data().resolve("postmaster.pid"))) {
				asPostgres(this.bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "stop");
			}
		}
		catch (IOException | RuntimeException ex) {
			// the JVM is exiting: the next run's Leftovers stops it
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void createDatabase() throws IOException, InterruptedException {
		Settings.await("PostgreSQL on port " + this.port, Duration.ofMinutes(1), () -> {
			try (Connection connection = DriverManager
				.getConnection("jdbc:postgresql://127.0.0.1:" + this.port + "/postgres", USER, "");
					Statement statement = connection.createStatement()) {
				statement.execute("create database " + DATABASE);
			}
			return true;
		});
	}

	private Path data() {
		return this.folder.resolve("data");
	}

	private static Path binaries() {
		Path root = Path.of("/usr/lib/postgresql");
		try (var versions = Files.list(root)) {
			return versions.map((version) -> version.resolve("bin"))
				.filter((bin) -> Files.isExecutable(bin.resolve("pg_ctl")))
				.max(Comparator.comparing((Path bin) -> Integer.parseInt(bin.getParent().getFileName().toString())))
				.orElseThrow(() -> new IllegalStateException("no PostgreSQL under " + root));
		}
		catch (IOException | NumberFormatException ex) {
			throw new IllegalStateException("no PostgreSQL under " + root + " (infra/bin/system-deps.sh postgresql)",
					ex);
		}
	}

	private void asPostgres(String... command) throws IOException, InterruptedException {
		List<String> line = new ArrayList<>();
		if ("root".equals(System.getProperty("user.name"))) {
			line.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		line.addAll(List.of(command));
		run(line.toArray(String[]::new));
	}

	private void run(String... command) throws IOException, InterruptedException {
		Path log = this.folder.resolve("pg_ctl.log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed: see " + log);
		}
	}

}
