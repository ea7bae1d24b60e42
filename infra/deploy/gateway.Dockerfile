# The API gateway. Build from the repository root after `make build`:
#   docker build -f infra/deploy/gateway.Dockerfile -t captionflow/api-gateway .
# Runs as an unprivileged user; the data folder (H2, only for a single instance) is a volume.
FROM eclipse-temurin:21-jre-noble
RUN useradd --system --uid 10001 --home-dir /var/lib/captionflow captionflow \
    && mkdir -p /var/lib/captionflow/data /media/captionflow \
    && chown -R captionflow /var/lib/captionflow /media/captionflow
COPY api-gateway/target/api-gateway-*-exec.jar /opt/captionflow/api-gateway.jar
USER captionflow
WORKDIR /var/lib/captionflow
ENV PORT=8080 \
    SERVER_ADDRESS=0.0.0.0 \
    CAPTIONFLOW_DATA_DIR=/var/lib/captionflow/data \
    CAPTIONFLOW_MEDIA_ROOT=/media/captionflow
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/captionflow/api-gateway.jar"]
