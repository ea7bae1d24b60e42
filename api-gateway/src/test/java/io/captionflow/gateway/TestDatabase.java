package io.captionflow.gateway;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
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
		properties(workDir).forEach((name, value) -> registry.add(name, () -> value));
	}

	/**
	 * The database properties of a test's gateway instances; instances given the same
	 * properties share the database.
	 * @param workDir the test's folder
	 * @return the properties
	 */
	public static Map<String, String> properties(Path workDir) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("captionflow.gateway.data-dir", workDir.resolve("data").toString());
		String server = System.getProperty("captionflow.test.postgres");
		if (server == null || server.isBlank()) {
			return properties;
		}
		String database = "captionflow_test_" + UUID.randomUUID().toString().replace("-", "");
		try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + server + "/postgres",
				"captionflow", "captionflow"); Statement statement = connection.createStatement()) {
			statement.execute("create database " + database);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot create a test database on PostgreSQL at " + server, ex);
		}
		properties.put("spring.r2dbc.url", "r2dbc:postgresql://" + server + "/" + database);
		properties.put("spring.r2dbc.username", "captionflow");
		properties.put("spring.r2dbc.password", "captionflow");
		properties.put("spring.flyway.url", "jdbc:postgresql://" + server + "/" + database);
		properties.put("spring.flyway.user", "captionflow");
		properties.put("spring.flyway.password", "captionflow");
		return properties;
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
