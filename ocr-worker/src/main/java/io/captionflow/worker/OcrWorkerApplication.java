package io.captionflow.worker;

import java.util.Map;

import io.captionflow.worker.sandbox.PrivateTemp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Starts an OCR worker. Run up to as many as the caption-ocr-requests topic has
 * partitions.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OcrWorkerApplication {

	/**
	 * The worker application. Its packaged settings live in {@code ocr-worker.yml} rather
	 * than {@code application.yml}, so that it can share a classpath with the gateway; an
	 * {@code application.yml} beside it still overrides them. The process's temporary
	 * folder becomes a private one ({@link PrivateTemp}).
	 * @return the application, ready to run
	 */
	public static SpringApplication create() {
		// before anything unpacks native code in the temporary folder
		PrivateTemp.establish();
		SpringApplication application = new SpringApplication(OcrWorkerApplication.class);
		application.setDefaultProperties(Map.of("spring.config.name", "ocr-worker,application"));
		return application;
	}

	public static void main(String[] args) {
		create().run(args);
	}

}
