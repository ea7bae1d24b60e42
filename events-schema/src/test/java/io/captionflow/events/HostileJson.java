package io.captionflow.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generated hostile JSON for the hostile-input suites: mutations of a valid object (a
 * field's value replaced by a hostile one, a field dropped, an unknown field added, a key
 * given twice, the text truncated, nested too deep, grown past a body limit), hostile
 * values (numbers at and past every integer bound, NUL and other control characters, lone
 * surrogates, long strings, wrong types) and text that is not a JSON object at all.
 * Objects are written as text, so that what no JSON writer would produce can be.
 */
public final class HostileJson {

	private HostileJson() {
	}

	/**
	 * Mutations of a valid object, and now and then the object unchanged.
	 * @param valid field name to JSON text of its value, in order
	 * @return JSON texts
	 */
	public static Arbitrary<String> mutated(Map<String, String> valid) {
		List<String> names = new ArrayList<>(valid.keySet());
		String whole = object(valid);
		Arbitrary<String> field = Arbitraries.of(names);
		Arbitrary<String> replaced = Combinators.combine(field, values()).as((name, value) -> {
			Map<String, String> body = new LinkedHashMap<>(valid);
			body.put(name, value);
			return object(body);
		});
		Arbitrary<String> dropped = field.map((name) -> {
			Map<String, String> body = new LinkedHashMap<>(valid);
			body.remove(name);
			return object(body);
		});
		Arbitrary<String> unknown = values().map((value) -> {
			Map<String, String> body = new LinkedHashMap<>(valid);
			body.put("unexpected", value);
			return object(body);
		});
		Arbitrary<String> twice = Combinators.combine(field, values())
			.as((name, value) -> whole.replaceFirst("\\}$", ",\"" + name + "\":" + value + "}"));
		Arbitrary<String> truncated = Arbitraries.integers()
			.between(0, whole.length() - 1)
			.map((at) -> whole.substring(0, at));
		Arbitrary<String> deep = Arbitraries.integers()
			.between(200, 5000)
			.map((depth) -> whole.replaceFirst("\\}$", ",\"deep\":" + "[".repeat(depth) + "]".repeat(depth) + "}"));
		Arbitrary<String> huge = Arbitraries.integers()
			.between(60_000, 200_000)
			.map((size) -> whole.replaceFirst("\\}$", ",\"pad\":\"" + "x".repeat(size) + "\"}"));
		return Arbitraries.frequencyOf(Tuple.of(8, replaced), Tuple.of(2, dropped), Tuple.of(2, unknown),
				Tuple.of(2, twice), Tuple.of(2, truncated), Tuple.of(1, deep), Tuple.of(1, huge),
				Tuple.of(1, notAnObject()), Tuple.of(1, Arbitraries.just(whole)));
	}

	/**
	 * Hostile JSON values.
	 * @return JSON texts of single values
	 */
	public static Arbitrary<String> values() {
		return Arbitraries.oneOf(
				Arbitraries.of("0", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
						"9223372036854775808", "1e400", "-1e400", "1.5", "-0", "null", "true", "false", "[]", "{}",
						"[1,2,3]", "{\"a\":{\"b\":[null]}}", "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"",
						"\"line\\nbreak\"", "\"\\ud800\"", "\"\\u202e\"", "\"\\u001b[31m\"", "\"confirmed\"", "\"gap\"",
						"\"eng\"", "\"eng+eng\"", "\"chi_sim\"", "\"../../etc/passwd\"", "\"/etc/passwd\""),
				Arbitraries.integers().map(String::valueOf), Arbitraries.longs().map(String::valueOf),
				strings(60).map(HostileJson::string),
				Arbitraries.integers().between(4001, 20_000).map((n) -> "\"" + "y".repeat(n) + "\""));
	}

	/**
	 * Text that is not a JSON object: empty, other JSON values, broken JSON, bytes.
	 * @return texts
	 */
	public static Arbitrary<String> notAnObject() {
		return Arbitraries.oneOf(Arbitraries.of("", "null", "[]", "\"just a string\"", "{", "}", "{\"a\":}",
				"\u0000\u0001\u0002", "<xml/>", "{\"schemaVersion\":99}"), strings(200));
	}

	/**
	 * Any strings, every character and lone surrogates included.
	 * @param maxLength the longest
	 * @return strings
	 */
	public static Arbitrary<String> strings(int maxLength) {
		return Arbitraries.strings().all().ofMaxLength(maxLength);
	}

	/**
	 * The fields of a JSON object, as name to the JSON text of the value.
	 * @param json an object
	 * @return its fields, in order
	 */
	public static Map<String, String> fields(byte[] json) {
		Map<String, String> fields = new LinkedHashMap<>();
		EventJson.mapper()
			.readTree(json)
			.properties()
			.forEach((entry) -> fields.put(entry.getKey(), entry.getValue().toString()));
		return fields;
	}

	/**
	 * An object written from its fields.
	 * @param fields name to JSON text of the value
	 * @return the object's JSON text
	 */
	public static String object(Map<String, String> fields) {
		return fields.entrySet()
			.stream()
			.map((entry) -> string(entry.getKey()) + ":" + entry.getValue())
			.collect(Collectors.joining(",", "{", "}"));
	}

	/**
	 * A JSON string.
	 * @param text its content
	 * @return the JSON text
	 */
	public static String string(String text) {
		return EventJson.mapper().writeValueAsString(text);
	}

}
