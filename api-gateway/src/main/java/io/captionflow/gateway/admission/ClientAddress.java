package io.captionflow.gateway.admission;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import org.jspecify.annotations.Nullable;

/**
 * The address limits are counted by: an IPv4 address whole, an IPv6 address by its /64
 * prefix, since one host (or one home or office network) usually holds a whole /64 and
 * could otherwise take a fresh address for every request.
 */
final class ClientAddress {

	private ClientAddress() {
	}

	/**
	 * The key of a client.
	 * @param remote the client's address as the server sees it, or null when unknown
	 * @return the key
	 */
	static String of(@Nullable InetSocketAddress remote) {
		if (remote == null) {
			return "unknown";
		}
		InetAddress address = remote.getAddress();
		if (address == null) {
			return remote.getHostString();
		}
		if (address instanceof Inet6Address) {
			byte[] bytes = address.getAddress();
			for (int i = 8; i < bytes.length; i++) {
				bytes[i] = 0;
			}
			try {
				return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
			}
			catch (UnknownHostException ex) {
				// sixteen bytes are always an address
				throw new IllegalStateException(ex);
			}
		}
		return address.getHostAddress();
	}

}
