package io.captionflow.gateway;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;

/**
 * The gateway's feature packages depend on each other only through their public types,
 * without cycles.
 */
class ModuleStructureTests {

	@Test
	void featurePackagesRespectTheirBoundaries() {
		ApplicationModules.of(GatewayApplication.class).verify();
	}

}
