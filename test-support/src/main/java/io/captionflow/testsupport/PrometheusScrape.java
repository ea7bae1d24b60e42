package io.captionflow.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A scrape of {@code /actuator/prometheus} in the Prometheus text format, read the way
 * Prometheus reads it, so that tests assert the metric names and labels an operator's
 * dashboards and alerts would use.
 *
 * @param samples every sample, in the scrape's order
 */
public record PrometheusScrape(List<Sample> samples) {

	/**
	 * Reads a scrape.
	 * @param text the endpoint's body
	 * @return the samples
	 */
	public static PrometheusScrape of(@Nullable String text) {
		List<Sample> samples = new ArrayList<>();
		if (text == null) {
			return new PrometheusScrape(samples);
		}
		for (String line : text.split("\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			samples.add(sample(line));
		}
		return new PrometheusScrape(List.copyOf(samples));
	}

	private static Sample sample(String line) {
		int brace = line.indexOf('{');
		int space = line.lastIndexOf(' ');
		Map<String, String> labels = new LinkedHashMap<>();
		String name;
		if (brace >= 0 && brace < space) {
			name = line.substring(0, brace);
			int end = line.lastIndexOf('}');
			String inner = line.substring(brace + 1, end);
			int at = 0;
			while (at < inner.length()) {
				int equals = inner.indexOf('=', at);
				int open = inner.indexOf('"', equals);
				StringBuilder value = new StringBuilder();
				int i = open + 1;
				for (; inner.charAt(i) != '"'; i++) {
					char c = inner.charAt(i);
					if (c == '\\') {
						i++;
						char escaped = inner.charAt(i);
						value.append((escaped == 'n') ? '\n' : escaped);
					}
					else {
						value.append(c);
					}
				}
				labels.put(inner.substring(at, equals).strip(), value.toString());
				at = i + 1;
				if (at < inner.length() && inner.charAt(at) == ',') {
					at++;
				}
			}
		}
		else {
			name = line.substring(0, space);
		}
		return new Sample(name, Map.copyOf(labels), Double.parseDouble(line.substring(space + 1).strip()));
	}

	/**
	 * The sum of the samples of a metric whose labels include the given ones.
	 * @param name the sample's name, such as {@code captionflow_webhooks_total}
	 * @param labels label names and values, alternating
	 * @return the sum; NaN when no sample matches
	 */
	public double value(String name, String... labels) {
		double sum = 0;
		boolean found = false;
		for (Sample sample : this.samples) {
			if (sample.name().equals(name) && sample.has(labels)) {
				sum += sample.value();
				found = true;
			}
		}
		return found ? sum : Double.NaN;
	}

	/**
	 * The names of the samples.
	 * @return the names, in the scrape's order
	 */
	public Set<String> names() {
		Set<String> names = new LinkedHashSet<>();
		this.samples.forEach((sample) -> names.add(sample.name()));
		return names;
	}

	/**
	 * One sample.
	 *
	 * @param name its name
	 * @param labels its labels
	 * @param value its value
	 */
	public record Sample(String name, Map<String, String> labels, double value) {

		boolean has(String... pairs) {
			for (int i = 0; i + 1 < pairs.length; i += 2) {
				if (!pairs[i + 1].equals(this.labels.get(pairs[i]))) {
					return false;
				}
			}
			return true;
		}

	}

}
