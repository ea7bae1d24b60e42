package io.captionflow.gateway.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;

/**
 * The address the gateway listens on ({@code server.address}), and whether only this host
 * can reach it.
 *
 * @param address the configured address, or null for every interface
 */
public record ServerBind(@Nullable InetAddress address) {

	/**
	 * The bind the environment configures.
	 * @param environment the application's environment
	 * @return the bind
	 */
	public static ServerBind of(Environment environment) {
		// read as text, as Boot binds it: an environment need not carry Boot's converters
		String address = environment.getProperty("server.address");
		if (address == null || address.isBlank()) {
			return new ServerBind(null);
		}
		try {
			return new ServerBind(InetAddress.getByName(address.strip()));
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("server.address '" + address + "' is no address of this host", ex);
		}
	}

	/**
	 * Whether only processes on this host can connect.
	 * @return true for a loopback address; false for every interface or any other address
	 */
	public boolean loopback() {
		return this.address != null && this.address.isLoopbackAddress();
	}

	/**
	 * The bind as the log and error messages name it.
	 * @return the address, or "every interface"
	 */
	public String describe() {
		return (this.address != null) ? this.address.getHostAddress() : "every interface (server.address unset)";
	}

}
