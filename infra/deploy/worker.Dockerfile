# The OCR worker, with Tesseract 5 and its English and Simplified Chinese models from the
# distribution (Ubuntu 24.04, as Debian 12: libtesseract5 with a Leptonica tess4j 5.14 works with).
# Build from the repository root after `make build`:
#   docker build -f infra/deploy/worker.Dockerfile -t captionflow/ocr-worker .
FROM eclipse-temurin:21-jre-noble
RUN apt-get update \
    && apt-get install -y --no-install-recommends libtesseract5 tesseract-ocr-eng tesseract-ocr-chi-sim \
       fonts-dejavu-core fontconfig \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/captionflow captionflow \
    && mkdir -p /var/lib/captionflow /media/captionflow \
    && chown -R captionflow /var/lib/captionflow /media/captionflow
COPY ocr-worker/target/ocr-worker-*-exec.jar /opt/captionflow/ocr-worker.jar
USER captionflow
WORKDIR /var/lib/captionflow
# one engine thread per OCR call: 37 ms a line instead of 320 ms
ENV OMP_THREAD_LIMIT=1 \
    MANAGEMENT_PORT=8081 \
    MANAGEMENT_ADDRESS=0.0.0.0 \
    CAPTIONFLOW_MEDIA_ROOT=/media/captionflow
EXPOSE 8081
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/captionflow/ocr-worker.jar"]
