package io.captionflow.gateway.admission;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key limits count a client by.
 */
class ClientAddressTests {

	@Test
	void anIpv4AddressIsItsOwnKey() {
		assertThat(ClientAddress.of(new InetSocketAddress("127.0.0.2", 4321))).isEqualTo("127.0.0.2");
		assertThat(ClientAddress.of(new InetSocketAddress("::ffff:192.0.2.7", 1))).isEqualTo("192.0.2.7");
	}

	@Test
	void ipv6AddressesOfOneSlash64ShareAKey() {
		String one = ClientAddress.of(new InetSocketAddress("2001:db8:1:2:aaaa::1", 1));
		String other = ClientAddress.of(new InetSocketAddress("2001:db8:1:2:bbbb:cccc:dddd:eeee", 2));
		assertThat(one).isEqualTo(other).isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(ClientAddress.of(new InetSocketAddress("2001:db8:1:3::1", 1))).isNotEqualTo(one);
	}

	@Test
	void anUnknownAddressHasAKeyToo() {
		assertThat(ClientAddress.of(null)).isEqualTo("unknown");
		assertThat(ClientAddress.of(InetSocketAddress.createUnresolved("proxy.example", 80)))
			.isEqualTo("proxy.example");
	}

}
