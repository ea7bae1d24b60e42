package io.captionflow.gateway.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * What a caller may do. A token's scopes, or roles in a configured claim, grant
 * permissions by the names configured for them; annotating and administering each include
 * reading.
 */
enum Permission {

	/** Videos, captions, stats, media, the event stream and the notification log. */
	READ,

	/** Create, save and delete captions and their text. */
	ANNOTATE,

	/** Register and change videos; the actuator beyond health. */
	ADMIN;

	/**
	 * The authority a caller with this permission holds.
	 * @return the authority name
	 */
	String authority() {
		return "PERMISSION_" + name();
	}

	/**
	 * The permissions granted by scope and role names.
	 * @param names the names the token grants
	 * @param scopes the names configured for each permission
	 * @return the permissions, reading included where another is granted
	 */
	static Set<Permission> grantedBy(Collection<String> names, AccessProperties.Scopes scopes) {
		Set<Permission> granted = EnumSet.noneOf(Permission.class);
		for (String name : names) {
			if (name.equals(scopes.read())) {
				granted.add(READ);
			}
			if (name.equals(scopes.annotate())) {
				granted.add(ANNOTATE);
			}
			if (name.equals(scopes.admin())) {
				granted.add(ADMIN);
			}
		}
		if (!granted.isEmpty()) {
			granted.add(READ);
		}
		return granted;
	}

	/**
	 * The authorities of the permissions granted by scope and role names.
	 * @param names the names the token grants
	 * @param scopes the names configured for each permission
	 * @return one authority per permission
	 */
	static List<GrantedAuthority> authorities(Collection<String> names, AccessProperties.Scopes scopes) {
		return grantedBy(names, scopes).stream()
			.<GrantedAuthority>map((permission) -> new SimpleGrantedAuthority(permission.authority()))
			.toList();
	}

	/**
	 * The role names a claim holds: a dotted path into nested objects, ending in a list
	 * of names or one space-separated string.
	 * @param claims the token's claims
	 * @param path the claim's path, or null
	 * @return the names, none when the claim is absent or of another shape
	 */
	static List<String> roles(Map<String, Object> claims, String path) {
		if (path == null || path.isBlank()) {
			return List.of();
		}
		Object value = claims;
		for (String part : path.strip().split("\\.")) {
			if (!(value instanceof Map<?, ?> map)) {
				return List.of();
			}
			value = map.get(part);
		}
		return names(value);
	}

	/**
	 * The names a scope or role claim's value holds.
	 * @param value a list of names or one space-separated string
	 * @return the names
	 */
	static List<String> names(@Nullable Object value) {
		if (value instanceof String text) {
			return List.of(text.strip().split("\\s+"));
		}
		if (value instanceof Collection<?> collection) {
			return collection.stream().filter(String.class::isInstance).map(String.class::cast).toList();
		}
		return List.of();
	}

}
