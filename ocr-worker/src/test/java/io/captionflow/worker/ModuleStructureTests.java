package io.captionflow.worker;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;

/**
 * The worker's packages depend on each other only through their public types, without
 * cycles.
 */
class ModuleStructureTests {

	@Test
	void packagesRespectTheirBoundaries() {
		ApplicationModules.of(OcrWorkerApplication.class).verify();
	}

}
