package io.captionflow.system;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.captionflow.events.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files in {@code infra/deploy/} cannot be started on this machine (no
 * container engine, no Kubernetes): this holds them to the applications instead. They
 * parse as YAML; every environment variable they give a CaptionFlow container is one the
 * apps read (a placeholder of their packaged settings, or the environment form of a
 * setting Spring Boot or the apps declare); the ports are the ones the apps listen on;
 * the probes are the health groups the apps define; KEDA scales the workers' consumer
 * group on the requests topic up to its partitions.
 */
class DeploymentFilesTests {

	private static final Path DEPLOY = Path.of("..", "infra", "deploy");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

	/** What the operating system or the JVM reads, not Spring. */
	private static final Set<String> PROCESS_VARIABLES = Set.of("OMP_THREAD_LIMIT", "JAVA_TOOL_OPTIONS");

	private static final Set<String> variables = new HashSet<>();

	private static final List<String> mapPrefixes = new ArrayList<>();

	private static Map<String, Object> gatewaySettings;

	private static Map<String, Object> workerSettings;

	@BeforeAll
	static void readTheApplicationsSettings() throws IOException {
		for (String file : List.of("api-gateway/src/main/resources/api-gateway.yml",
				"api-gateway/src/main/resources/api-gateway-postgres.yml",
				"api-gateway/src/main/resources/api-gateway-local.yml",
				"ocr-worker/src/main/resources/ocr-worker.yml")) {
			Matcher placeholder = PLACEHOLDER.matcher(Files.readString(Path.of("..", file)));
			while (placeholder.find()) {
				variables.add(placeholder.group(1));
			}
		}
		Enumeration<URL> metadata = DeploymentFilesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		JsonMapper json = JsonMapper.builder().build();
		while (metadata.hasMoreElements()) {
			try (InputStream in = metadata.nextElement().openStream()) {
				JsonNode root = json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
				root.path("properties").forEach((property) -> {
					String env = environmentForm(property.path("name").asString());
					variables.add(env);
					if (property.path("type").asString("").startsWith("java.util.Map")) {
						mapPrefixes.add(env + "_");
					}
				});
			}
		}
		gatewaySettings = yaml(Path.of("..", "api-gateway/src/main/resources/api-gateway.yml")).get(0);
		workerSettings = yaml(Path.of("..", "ocr-worker/src/main/resources/ocr-worker.yml")).get(0);
	}

	@Test
	void everyVariableGivenToACaptionFlowContainerIsOneTheAppsRead() throws IOException {
		Map<String, String> given = new LinkedHashMap<>();
		// compose: the services running CaptionFlow's images
		Map<String, Object> compose = yaml(DEPLOY.resolve("compose.yaml")).get(0);
		map(compose.get("services")).forEach((name, service) -> {
			if (String.valueOf(map(service).get("image")).startsWith("captionflow/")) {
				map(map(service).get("environment")).keySet().forEach((variable) -> given.put(variable, name));
			}
		});
		// Kubernetes: the ConfigMap and Secret the containers take whole, and their own
		for (Path file : List.of(DEPLOY.resolve("kubernetes/config.yaml"), DEPLOY.resolve("kubernetes/gateway.yaml"),
				DEPLOY.resolve("kubernetes/worker.yaml"))) {
			for (Map<String, Object> document : yaml(file)) {
				switch (String.valueOf(document.get("kind"))) {
					case "ConfigMap" ->
						map(document.get("data")).keySet().forEach((v) -> given.put(v, file.toString()));
					case "Secret" ->
						map(document.get("stringData")).keySet().forEach((v) -> given.put(v, file.toString()));
					case "Deployment" -> containers(document).forEach((container) -> list(container.get("env"))
						.forEach((env) -> given.put(String.valueOf(map(env).get("name")), file.toString())));
					default -> {
					}
				}
			}
		}
		// the images' own defaults
		for (String dockerfile : List.of("gateway.Dockerfile", "worker.Dockerfile")) {
			Matcher env = Pattern.compile("(?m)^\\s*(?:ENV\\s+)?([A-Z][A-Z0-9_]+)=")
				.matcher(Files.readString(DEPLOY.resolve(dockerfile)));
			while (env.find()) {
				given.put(env.group(1), dockerfile);
			}
		}
		assertThat(given).hasSizeGreaterThan(20);
		given.forEach((variable, where) -> assertThat(read(variable))
			.as("%s (in %s) is read by the gateway or the worker", variable, where)
			.isTrue());
	}

	@Test
	void portsAndProbesAreTheOnesTheAppsServe() throws IOException {
		// the apps: the gateway on PORT (8080), a worker on MANAGEMENT_PORT (8081), each
		// with
		// the liveness and readiness groups
		assertThat(String.valueOf(map(gatewaySettings.get("server")).get("port"))).isEqualTo("${PORT:8080}");
		assertThat(String.valueOf(map(workerSettings.get("server")).get("port"))).isEqualTo("${MANAGEMENT_PORT:8081}");
		for (Map<String, Object> settings : List.of(gatewaySettings, workerSettings)) {
			Map<String, Object> health = map(map(map(settings.get("management")).get("endpoint")).get("health"));
			assertThat(map(health.get("probes"))).containsEntry("enabled", true);
			assertThat(map(health.get("group"))).containsKeys("liveness", "readiness");
		}
		Map<String, Integer> ports = Map.of("captionflow-gateway", 8080, "captionflow-worker", 8081);
		Set<String> probed = new HashSet<>();
		for (String file : List.of("gateway.yaml", "worker.yaml")) {
			for (Map<String, Object> document : yaml(DEPLOY.resolve("kubernetes").resolve(file))) {
				if (!"Deployment".equals(document.get("kind"))) {
					continue;
				}
				String name = String.valueOf(map(document.get("metadata")).get("name"));
				for (Map<String, Object> container : containers(document)) {
					Map<String, Object> port = map(list(container.get("ports")).get(0));
					assertThat(port.get("containerPort")).as(name).isEqualTo(ports.get(name));
					assertThat(list(container.get("env"))).as("%s listens on its container port", name)
						.anySatisfy((env) -> assertThat(map(env).get("value")).isEqualTo(ports.get(name).toString()));
					for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
						Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
						assertThat(get.get("port")).as("%s %s", name, probe).isEqualTo(port.get("name"));
						assertThat(get.get("path")).as("%s %s", name, probe)
							.isEqualTo(probe.equals("readinessProbe") ? "/actuator/health/readiness"
									: "/actuator/health/liveness");
						probed.add(name + " " + probe);
					}
				}
			}
		}
		assertThat(probed).hasSize(6);
		String gatewayImage = Files.readString(DEPLOY.resolve("gateway.Dockerfile"));
		assertThat(gatewayImage).contains("EXPOSE 8080", "PORT=8080", "api-gateway/target/api-gateway-*-exec.jar");
		String workerImage = Files.readString(DEPLOY.resolve("worker.Dockerfile"));
		assertThat(workerImage).contains("EXPOSE 8081", "MANAGEMENT_PORT=8081",
				"ocr-worker/target/ocr-worker-*-exec.jar", "libtesseract5", "tesseract-ocr-chi-sim");
		Map<String, Object> services = map(yaml(DEPLOY.resolve("compose.yaml")).get(0).get("services"));
		assertThat(String.valueOf(map(services.get("gateway-1")).get("healthcheck")))
			.contains("/dev/tcp/127.0.0.1/8080", "/actuator/health/readiness");
		assertThat(String.valueOf(map(services.get("worker-1")).get("healthcheck"))).contains("/dev/tcp/127.0.0.1/8081",
				"/actuator/health/readiness");
	}

	@Test
	void kedaScalesTheWorkersGroupOnTheRequestsTopicUpToItsPartitions() throws IOException {
		Map<String, Object> scaled = yaml(DEPLOY.resolve("kubernetes/keda.yaml")).get(0);
		assertThat(scaled).containsEntry("kind", "ScaledObject");
		Map<String, Object> spec = map(scaled.get("spec"));
		assertThat(map(spec.get("scaleTargetRef"))).containsEntry("name", "captionflow-worker");
		Map<String, Object> trigger = map(map(list(spec.get("triggers")).get(0)).get("metadata"));
		String group = String
			.valueOf(map(map(map(workerSettings.get("spring")).get("kafka")).get("consumer")).get("group-id"));
		assertThat(trigger).containsEntry("consumerGroup", group)
			.containsEntry("topic", Topics.CAPTION_OCR_REQUESTS.name());
		// the topic's partitions: the gateway's topic-partitions default
		JsonNode partitions = null;
		Enumeration<URL> metadata = DeploymentFilesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (metadata.hasMoreElements()) {
			try (InputStream in = metadata.nextElement().openStream()) {
				for (JsonNode property : JsonMapper.builder().build().readTree(in.readAllBytes()).path("properties")) {
					if (property.path("name").asString().equals("captionflow.gateway.topic-partitions")) {
						partitions = property.path("defaultValue");
					}
				}
			}
		}
		assertThat(partitions).isNotNull();
		assertThat(spec.get("maxReplicaCount")).isEqualTo(partitions.asInt());
	}

	private static boolean read(String variable) {
		return variables.contains(variable) || PROCESS_VARIABLES.contains(variable)
				|| mapPrefixes.stream().anyMatch(variable::startsWith);
	}

	/** The environment variable Spring Boot binds to a setting. */
	private static String environmentForm(String property) {
		return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> yaml(Path file) throws IOException {
		List<Map<String, Object>> documents = new ArrayList<>();
		for (Object document : new Yaml().loadAll(Files.readString(file))) {
			documents.add((Map<String, Object>) document);
		}
		return documents;
	}

	private static List<Map<String, Object>> containers(Map<String, Object> deployment) {
		return list(map(map(map(deployment.get("spec")).get("template")).get("spec")).get("containers")).stream()
			.map(DeploymentFilesTests::map)
			.toList();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Object>) value;
	}

}
