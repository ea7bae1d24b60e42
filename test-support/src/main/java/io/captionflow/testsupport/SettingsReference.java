package io.captionflow.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference of an application's own settings, in Markdown: every
 * {@code captionflow.*} setting its {@code @ConfigurationProperties} records declare
 * (from the metadata the configuration processor writes at build time), with its default
 * (the packaged YAML's where it sets one, else the record's), the environment variable
 * the YAML reads it from, and the record's Javadoc line. A test per application holds
 * {@code docs/settings/<app>.md} to it, and {@code make docs} rewrites it, so the
 * reference cannot drift from the code.
 */
public final class SettingsReference {

	private static final Pattern PLACEHOLDER = Pattern.compile("^\\$\\{([A-Z0-9_]+):?(.*)}$");

	private static final Pattern CODE = Pattern.compile("\\{@(?:code|literal) ([^}]*)}");

	private static final Pattern LINK = Pattern.compile("\\{@link(?:plain)? ([^}]*)}");

	private SettingsReference() {
	}

	/**
	 * Renders the reference of one application.
	 * @param title the heading
	 * @param metadata the configuration processor's
	 * {@code META-INF/spring-configuration-metadata.json}
	 * @param yaml the application's packaged settings
	 * @return the Markdown
	 * @throws IOException when a file cannot be read
	 */
	public static String render(String title, Path metadata, Path yaml) throws IOException {
		JsonNode root = JsonMapper.builder().build().readTree(Files.readString(metadata));
		Map<String, String> packaged = new LinkedHashMap<>();
		Object loaded = new Yaml().load(Files.readString(yaml));
		if (loaded instanceof Map<?, ?> map) {
			flatten("", map, packaged);
		}
		List<JsonNode> properties = new ArrayList<>();
		root.path("properties").forEach(properties::add);
		properties.sort(Comparator.comparing((node) -> node.path("name").asString()));
		StringBuilder out = new StringBuilder();
		out.append("# ").append(title).append("\n\n");
		out.append("<!-- written by SettingsReference from the code: make docs rewrites it -->\n\n");
		out.append("| setting | default | environment variable | |\n|---|---|---|---|\n");
		for (JsonNode property : properties) {
			String name = property.path("name").asString();
			if (!name.startsWith("captionflow.")) {
				continue;
			}
			String fallback = defaultOf(property.get("defaultValue"));
			String env = "";
			String value = packaged.get(name);
			if (value != null) {
				Matcher placeholder = PLACEHOLDER.matcher(value);
				if (placeholder.matches()) {
					env = "`" + placeholder.group(1) + "`";
					fallback = placeholder.group(2);
				}
				else {
					fallback = value;
				}
			}
			out.append("| `")
				.append(name)
				.append("` | ")
				.append(fallback.isEmpty() ? "(none)" : "`" + cell(fallback) + "`")
				.append(" | ")
				.append(env)
				.append(" | ")
				.append(description(property.path("description").asString("")))
				.append(" |\n");
		}
		return out.toString();
	}

	private static void flatten(String prefix, Map<?, ?> map, Map<String, String> into) {
		map.forEach((key, value) -> {
			String name = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
			if (value instanceof Map<?, ?> nested) {
				flatten(name, nested, into);
			}
			else if (value == null) {
				// set to nothing: the record's default holds
			}
			else if (value instanceof List<?> list) {
				into.put(name, String.join(",", list.stream().map(String::valueOf).toList()));
			}
			else {
				into.put(name, String.valueOf(value));
			}
		});
	}

	private static String defaultOf(@Nullable JsonNode value) {
		if (value == null || value.isNull()) {
			return "";
		}
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asString()));
			return String.join(",", items);
		}
		return value.asString();
	}

	private static String description(String javadoc) {
		String text = javadoc.replaceAll("\\s+", " ").strip();
		text = CODE.matcher(text).replaceAll((match) -> "`" + Matcher.quoteReplacement(match.group(1)) + "`");
		text = LINK.matcher(text).replaceAll((match) -> "`" + Matcher.quoteReplacement(match.group(1)) + "`");
		text = text.replaceAll("</?[a-z]+>", "");
		return cell(text);
	}

	private static String cell(String text) {
		return text.replace("|", "\\|");
	}

}
