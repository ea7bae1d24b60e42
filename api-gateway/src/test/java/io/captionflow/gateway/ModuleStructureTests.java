package io.captionflow.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's feature packages depend on each other only through their public types,
 * without cycles and only as each declares, and the module diagram in {@code docs/} is
 * the one the code makes.
 */
class ModuleStructureTests {

	private static final ApplicationModules modules = ApplicationModules.of(GatewayApplication.class);

	@Test
	void featurePackagesRespectTheirBoundaries() {
		modules.verify();
	}

	/**
	 * The Modulith {@link Documenter} writes the diagram to {@code target/}; {@code make
	 * docs} runs this with {@code -Dcaptionflow.docs.update=true} to copy it to
	 * {@code docs/modules/}.
	 */
	@Test
	void theModuleDiagramInDocsIsTheOneTheCodeMakes() throws IOException {
		String folder = "target/spring-modulith-docs";
		new Documenter(modules, Documenter.Options.defaults().withOutputFolder(folder)).writeModulesAsPlantUml();
		Path made = Path.of(folder, "components.puml");
		Path kept = Path.of("..", "docs", "modules", "api-gateway.puml");
		if (Boolean.getBoolean("captionflow.docs.update")) {
			Files.createDirectories(kept.getParent());
			// with the final newline the Documenter leaves out
			Files.writeString(kept, Files.readString(made).stripTrailing() + "\n");
		}
		// the Documenter writes the same lines in an order that varies from run to run
		assertThat(Files.exists(kept) ? Files.readAllLines(kept) : List.of())
			.as("the module diagram in docs/ (make docs refreshes it)")
			.containsExactlyInAnyOrderElementsOf(Files.readAllLines(made));
	}

}
