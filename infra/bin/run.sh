#!/usr/bin/env bash
# make run: starts a local Kafka broker (or reuses one already listening on 127.0.0.1:9092), renders
# the demo video on first use, starts the gateway and the OCR workers, waits until the gateway is
# ready and prints its URL. A gateway, worker or broker started here that exits is started again
# (1 s, doubling to 30 s; back to 1 s once it stayed up 60 s), with a line on the console and its
# log appended to. Ctrl-C (or SIGTERM) stops every process this script started, the applications
# first, and restarts nothing.
set -euo pipefail
# everything make run writes (the broker's log, the database, media, logs) is for this user alone
umask 077
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
started=$(date +%s%N)

export CAPTIONFLOW_DATA_DIR="${CAPTIONFLOW_DATA_DIR:-$top/data}"
export CAPTIONFLOW_MEDIA_ROOT="${CAPTIONFLOW_MEDIA_ROOT:-$CAPTIONFLOW_DATA_DIR/media}"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}"
export OMP_THREAD_LIMIT=1
port="${PORT:-8080}"
workers="${WORKERS:-2}"
logs="$CAPTIONFLOW_DATA_DIR/logs"
mkdir -p "$logs" "$CAPTIONFLOW_MEDIA_ROOT"

version=$(sed -n 's:.*<version>\(.*-SNAPSHOT\)</version>.*:\1:p' pom.xml | head -1)
gateway_jar="api-gateway/target/api-gateway-$version-exec.jar"
worker_jar="ocr-worker/target/ocr-worker-$version-exec.jar"
# the demo video's renderer is test support, not part of the worker: its jar and the
# classpath the build wrote beside it
demo_cp="test-support/target/test-support-$version.jar:$(cat test-support/target/test-support.classpath)"

. infra/bin/processes.sh

kafka_host=${KAFKA_BOOTSTRAP_SERVERS%%,*}; kafka_port=${kafka_host##*:}; kafka_host=${kafka_host%:*}
if listening "$kafka_host" "$kafka_port"; then
  echo "Kafka: reusing the broker already listening on $kafka_host:$kafka_port"
else
  echo "Kafka: starting a single-node KRaft broker on 127.0.0.1:9092 (log: $logs/kafka.log)"
  : > "$logs/kafka.log"
  supervise Kafka "$logs/kafka.log" infra/bin/kafka.sh &
  infrastructure+=($!)
  wait_for Kafka 90 listening 127.0.0.1 9092
fi

if [ ! -f "$CAPTIONFLOW_MEDIA_ROOT/demo/demo.video.json" ]; then
  echo "Demo: rendering the demo video (first run only)"
fi
java --enable-native-access=ALL-UNNAMED -cp "$demo_cp" io.captionflow.testsupport.DemoVideo "$CAPTIONFLOW_MEDIA_ROOT"

echo "Gateway: starting on port $port (log: $logs/gateway.log)"
: > "$logs/gateway.log"
supervise Gateway "$logs/gateway.log" env PORT="$port" java -jar "$gateway_jar" &
# each worker's management port (health, metrics): 8081, 8082, ... after the gateway's
for i in $(seq 1 "$workers"); do
  management=$((${WORKER_MANAGEMENT_PORT:-$((port + 1))} + i - 1))
  echo "Worker $i: starting, health and metrics on port $management (log: $logs/worker-$i.log)"
  : > "$logs/worker-$i.log"
  supervise "Worker $i" "$logs/worker-$i.log" env MANAGEMENT_PORT="$management" java -jar "$worker_jar" &
done

health() { curl -fsS "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1; }
wait_for Gateway 120 health
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
cat <<MSG

CaptionFlow is ready in $((elapsed / 1000)).$(( (elapsed % 1000) / 100 ))s:  http://localhost:$port/
  API:     http://localhost:$port/api/videos
  Events:  curl -N http://localhost:$port/api/events/video-stats
  Metrics: http://localhost:$port/actuator/prometheus (workers: port $((${WORKER_MANAGEMENT_PORT:-$((port + 1))})) and up)
Press Ctrl-C to stop.
MSG
# the supervisors return only when stopped; Ctrl-C or SIGTERM interrupts this wait and runs stop_all
wait || true
