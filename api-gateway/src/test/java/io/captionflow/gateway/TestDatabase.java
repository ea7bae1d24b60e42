package io.captionflow.gateway;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The database of a gateway test context: an H2 file under the test's folder, or, when
 * the system property {@code captionflow.test.postgres} names a PostgreSQL server
 * ({@code host:port}, with the role {@code captionflow} that
 * {@code infra/bin/postgres.sh} creates), a fresh database there, so that contexts never
 * share rows.
 */
public final class TestDatabase {

	private TestDatabase() {
	}

	/**
	 * Registers the database properties of a test context.
	 * @param registry the test context's properties
	 * @param workDir the test's folder
	 */
	public static void register(DynamicPropertyRegistry registry, Path workDir) {
		registry.add("captionflow.gateway.data-dir", () -> workDir.resolve("data").toString());
		String server = System.getProperty("captionflow.test.postgres");
		if (server == null || server.isBlank()) {
			return;
		}
		String database = "captionflow_test_" + UUID.randomUUID().toString().replace("-", "");
		try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + server + "/postgres",
				"captionflow", "captionflow"); Statement statement = connection.createStatement()) {
			statement.execute("create database " + database);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot create a test database on PostgreSQL at " + server, ex);
		}
		registry.add("spring.r2dbc.url", () -> "r2dbc:postgresql://" + server + "/" + database);
		registry.add("spring.r2dbc.username", () -> "captionflow");
		registry.add("spring.r2dbc.password", () -> "captionflow");
		registry.add("spring.flyway.url", () -> "jdbc:postgresql://" + server + "/" + database);
		registry.add("spring.flyway.user", () -> "captionflow");
		registry.add("spring.flyway.password", () -> "captionflow");
	}

	/**
	 * Whether the tests run on PostgreSQL.
	 * @return true on PostgreSQL, false on H2
	 */
	public static boolean postgres() {
		String server = System.getProperty("captionflow.test.postgres");
		return server != null && !server.isBlank();
	}

}
