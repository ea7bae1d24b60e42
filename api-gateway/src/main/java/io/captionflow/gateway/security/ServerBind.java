package io.captionflow.gateway.security;

import java.net.InetAddress;

import org.springframework.core.env.Environment;

/**
 * The address the gateway listens on ({@code server.address}), and whether only this host
 * can reach it.
 *
 * @param address the configured address, or null for every interface
 */
public record ServerBind(InetAddress address) {

	/**
	 * The bind the environment configures.
	 * @param environment the application's environment
	 * @return the bind
	 */
	public static ServerBind of(Environment environment) {
		return new ServerBind(environment.getProperty("server.address", InetAddress.class));
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
