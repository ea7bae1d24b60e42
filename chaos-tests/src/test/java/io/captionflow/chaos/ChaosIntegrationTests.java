package io.captionflow.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import io.captionflow.chaos.CaptionFlowSystem.Database;
import io.captionflow.chaos.CaptionFlowSystem.Topology;
import io.captionflow.chaos.ChaosSuite.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos suite. By default the short one {@code make test} runs: on PostgreSQL, two
 * gateways, three workers and one broker under saves and 100 SSE clients, a worker, a
 * gateway and the broker are killed. With {@code -Dchaos.mode=full} ({@code make chaos})
 * every fault runs, on PostgreSQL, on H2 (one gateway: H2 is single-instance) and on a
 * 3-broker cluster, with 500 clients. Prints the table (also written to
 * {@code target/chaos/report.txt}) and fails on any loss, duplicate or stuck save.
 */
class ChaosIntegrationTests {

	/** Videos under load: each gateway start probes every one, about 3 s each here. */
	private static final int VIDEOS = Settings.full() ? 20 : 10;

	/** About half of what three workers read a second on this 2-core machine. */
	private static final double SAVES_PER_SECOND = 1.5;

	private record Plan(String name, Topology topology, List<Fault> faults) {
	}

	@AfterAll
	static void nothingOutlivesTheSuite() {
		LaunchedProcess.killAll();
	}

	@Test
	void noAnsweredSaveIsLostDuplicatedOrStuckAndEveryClientSeesEveryNotificationOnce() throws Exception {
		Assumptions.assumeTrue(PostgresCluster.installed(),
				"PostgreSQL is not installed (infra/bin/system-deps.sh postgresql)");
		boolean full = Settings.full();
		int clients = full ? 500 : 100;
		List<Plan> plans = full ? fullPlans(System.getProperty("chaos.plans", ""))
				: List.of(new Plan("postgresql", new Topology(Database.POSTGRESQL, 1, 2, 3, false),
						List.of(Fault.WORKER_KILL, Fault.GATEWAY_KILL, Fault.BROKER_KILL)));
		List<Row> rows = new ArrayList<>();
		long started = System.nanoTime();
		try {
			for (Plan plan : plans) {
				Path folder = Settings.workDir().resolve(plan.name());
				Leftovers.clear(folder);
				try (CaptionFlowSystem system = new CaptionFlowSystem(folder, plan.topology(), VIDEOS)) {
					system.start();
					try (ChaosSuite suite = new ChaosSuite(system, clients, SAVES_PER_SECOND)) {
						suite.open();
						for (Fault fault : plan.faults()) {
							long faultStarted = System.nanoTime();
							Row row = suite.run(fault);
							rows.add(row);
							System.out.printf("%s (%s): %s in %d s%n", fault.description(), plan.name(), row,
									Duration.ofNanos(System.nanoTime() - faultStarted).toSeconds());
						}
					}
				}
			}
		}
		finally {
			String table = table(rows, Duration.ofNanos(System.nanoTime() - started), clients);
			System.out.println(table);
			Files.createDirectories(Settings.workDir());
			Files.writeString(Settings.workDir().resolve("report.txt"), table);
		}
		assertThat(rows).as("faults with anything lost, duplicated or stuck (see target/chaos/report.txt)")
			.filteredOn((row) -> !row.clean())
			.isEmpty();
	}

	/**
	 * Every plan, or those named in {@code -Dchaos.plans} (comma-separated:
	 * {@code postgresql}, {@code h2}, {@code postgresql-3-brokers}), with every fault, or
	 * those named in {@code -Dchaos.faults} (comma-separated {@link Fault} names, such as
	 * {@code sse_client_stall}).
	 */
	private static List<Plan> fullPlans(String only) {
		List<String> names = only.isBlank() ? List.of() : List.of(only.split(","));
		String faults = System.getProperty("chaos.faults", "");
		List<String> chosen = faults.isBlank() ? List.of() : List.of(faults.toUpperCase(Locale.ROOT).split(","));
		return allPlans().stream()
			.filter((plan) -> names.isEmpty() || names.contains(plan.name()))
			.map((plan) -> new Plan(plan.name(), plan.topology(),
					plan.faults()
						.stream()
						.filter((fault) -> chosen.isEmpty() || chosen.contains(fault.name()))
						.toList()))
			.filter((plan) -> !plan.faults().isEmpty())
			.toList();
	}

	private static List<Plan> allPlans() {
		List<Fault> postgres = List.of(Fault.WORKER_KILL, Fault.ALL_WORKERS_KILL, Fault.GATEWAY_KILL,
				Fault.GATEWAY_RESTART, Fault.BROKER_STOP, Fault.POSTGRES_STOP, Fault.SSE_CLIENT_STALL,
				Fault.FLOW_EVENTS_REDELIVERED, Fault.MEDIA_DISK_FULL);
		return List.of(new Plan("postgresql", new Topology(Database.POSTGRESQL, 1, 2, 3, true), postgres),
				new Plan("h2", new Topology(Database.H2, 1, 1, 3, false),
						List.of(Fault.GATEWAY_KILL, Fault.WORKER_KILL, Fault.BROKER_STOP)),
				new Plan("postgresql-3-brokers", new Topology(Database.POSTGRESQL, 3, 2, 3, false),
						List.of(Fault.ONE_BROKER_OF_THREE_KILL)));
	}

	static String table(List<Row> rows, Duration took, int clients) {
		StringBuilder table = new StringBuilder();
		String format = "%-48s %-24s %6s %5s %6s %6s %9s %8s %7s %10s %7s  %s%n";
		table.append(String.format(Locale.ROOT, "%nChaos suite (%s mode, %d SSE clients, %d videos): %d s%n",
				Settings.full() ? "full" : "short", clients, VIDEOS, took.toSeconds()));
		table.append(String.format(Locale.ROOT, format, "fault", "database", "ops", "lost", "dup", "stuck", "sse-lost",
				"sse-dup", "outbox", "recovery", "effect", "notes"));
		for (Row row : rows) {
			table.append(String.format(Locale.ROOT, format, row.fault(), row.database(), row.operations(), row.lost(),
					row.duplicated(), row.stuck(), row.sseLost(), row.sseDuplicated(), row.outbox(),
					String.format(Locale.ROOT, "%.1f s", row.maxRecovery().toMillis() / 1000.0),
					(row.effect() == null) ? "-" : (row.effect() ? "seen" : "MISSING"), row.notes()));
		}
		return table.toString();
	}

	/**
	 * What an earlier run left when it was itself killed: its processes (found by the
	 * property each carries), its PostgreSQL server, its tmpfs, its files.
	 */
	static final class Leftovers {

		private Leftovers() {
		}

		static void clear(Path folder) throws IOException, InterruptedException {
			String tag = Settings.runTag(folder);
			ProcessHandle.allProcesses()
				.filter((process) -> process.info()
					.arguments()
					.map((arguments) -> List.of(arguments).stream().anyMatch((argument) -> argument.startsWith(tag)))
					.orElse(false))
				.forEach(ProcessHandle::destroyForcibly);
			Path postgres = folder.resolve("postgres/data");
			if (Files.exists(postgres.resolve("postmaster.pid"))) {
				new ProcessBuilder("runuser", "-u", "postgres", "--", "sh", "-c",
						"$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl -D " + postgres
								+ " -m immediate stop")
					.inheritIO()
					.start()
					.waitFor();
			}
			if (Files.exists(folder.resolve("media"))) {
				new ProcessBuilder("umount", "-l", folder.resolve("media").toString()).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start()
					.waitFor();
			}
			if (Files.exists(folder)) {
				try (var paths = Files.walk(folder)) {
					for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
						Files.deleteIfExists(path);
					}
				}
			}
		}

	}

}
