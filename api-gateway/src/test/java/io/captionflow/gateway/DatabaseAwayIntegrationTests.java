package io.captionflow.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness while the database is away: a gateway on PostgreSQL, reached through a TCP
 * link this test cuts (every connection reset, no new one accepted) and restores, as a
 * network partition or a database restart would. While it is cut the gateway is not ready
 * ({@code r2dbc} DOWN) and still alive; once it is back, ready again without a restart.
 * Runs in the PostgreSQL pass of the suite only (the {@code postgres-tests} profile): an
 * H2 file in the gateway's own process cannot go away.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=api-gateway",
				"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"management.endpoint.health.show-details=always" })
@AutoConfigureWebTestClient
@EmbeddedKafka(partitions = 1)
class DatabaseAwayIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@TempDir
	static Path workDir;

	static Link link;

	@Autowired
	WebTestClient http;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) throws IOException {
		Map<String, String> properties = new LinkedHashMap<>(TestDatabase.properties(workDir));
		String url = properties.get("spring.r2dbc.url");
		assertThat(url).as("this test needs PostgreSQL (-Dpostgres.tests=host:port)").isNotNull();
		// r2dbc:postgresql://host:port/database
		String address = url.substring("r2dbc:postgresql://".length(), url.lastIndexOf('/'));
		String database = url.substring(url.lastIndexOf('/') + 1);
		int colon = address.lastIndexOf(':');
		link = new Link(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
		String through = "127.0.0.1:" + link.port() + "/" + database;
		properties.put("spring.r2dbc.url", "r2dbc:postgresql://" + through);
		properties.put("spring.flyway.url", "jdbc:postgresql://" + through);
		properties.forEach((name, value) -> registry.add(name, () -> value));
	}

	@AfterAll
	static void closeLink() throws IOException {
		if (link != null) {
			link.close();
		}
	}

	@Test
	void readinessGoesDownWhileTheDatabaseIsAwayAndComesBackWithIt() {
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(health("/actuator/health/readiness", 200)).containsEntry("status", "UP"));

		link.cut();
		await().atMost(WAIT).untilAsserted(() -> {
			Map<String, Object> readiness = health("/actuator/health/readiness", 503);
			assertThat(components(readiness).get("r2dbc")).containsEntry("status", "DOWN");
		});
		assertThat(health("/actuator/health/liveness", 200)).containsEntry("status", "UP");

		link.restore();
		await().atMost(WAIT).untilAsserted(() -> {
			Map<String, Object> readiness = health("/actuator/health/readiness", 200);
			assertThat(components(readiness).get("r2dbc")).containsEntry("status", "UP");
		});
	}

	private Map<String, Object> health(String path, int status) {
		return this.http.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> components(Map<String, Object> health) {
		return (Map<String, Map<String, Object>>) health.get("components");
	}

	/**
	 * A TCP link from a loopback port to the database: every connection accepted is
	 * copied both ways; cut, it resets every connection and refuses new ones (the port
	 * stays bound, so it comes back on the same one).
	 */
	static final class Link implements AutoCloseable {

		private final String host;

		private final int targetPort;

		private final ServerSocket listener;

		private final Set<Socket> open = ConcurrentHashMap.newKeySet();

		private volatile boolean cut;

		Link(String host, int targetPort) throws IOException {
			this.host = host;
			this.targetPort = targetPort;
			this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread.ofPlatform().daemon().name("db-link").start(this::accept);
		}

		int port() {
			return this.listener.getLocalPort();
		}

		void cut() {
			this.cut = true;
			for (Socket socket : this.open) {
				// an abortive close: the other side sees a reset, as after a crash
				try {
					socket.setSoLinger(true, 0);
				}
				catch (IOException ex) {
					// closed meanwhile
				}
				closeQuietly(socket);
			}
			this.open.clear();
		}

		void restore() {
			this.cut = false;
		}

		private void accept() {
			while (!this.listener.isClosed()) {
				try {
					Socket client = this.listener.accept();
					if (this.cut) {
						client.setSoLinger(true, 0);
						client.close();
						continue;
					}
					Socket server = new Socket();
					server.connect(new InetSocketAddress(this.host, this.targetPort), 5000);
					this.open.add(client);
					this.open.add(server);
					pipe(client, server);
					pipe(server, client);
				}
				catch (IOException ex) {
					// closed, or the database refused: the client sees its connection end
				}
			}
		}

		private void pipe(Socket from, Socket to) {
			Thread.ofPlatform().daemon().name("db-link-pipe").start(() -> {
				byte[] buffer = new byte[16 * 1024];
				try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
					for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
						out.write(buffer, 0, read);
					}
				}
				catch (IOException ex) {
					// one side closed or was cut
				}
				finally {
					this.open.remove(from);
					this.open.remove(to);
					closeQuietly(from);
					closeQuietly(to);
				}
			});
		}

		private static void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// already closed
			}
		}

		@Override
		public void close() throws IOException {
			this.listener.close();
			cut();
		}

	}

}
