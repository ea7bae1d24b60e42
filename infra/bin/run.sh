#!/usr/bin/env bash
# make run: starts a local Kafka broker (or reuses one already listening on 127.0.0.1:9092), renders
# the demo video on first use, starts the gateway and the OCR workers, waits until the gateway is
# ready and prints its URL. Ctrl-C stops every process this script started.
set -euo pipefail
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

pids=()
kafka_pid=""
stopping=""
stop_all() {
  trap - INT TERM EXIT
  stopping=1
  # the applications first, while the broker can still take their last offsets and records
  if [ ${#pids[@]} -gt 0 ]; then
    echo; echo "Stopping CaptionFlow..."
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  if [ -n "$kafka_pid" ]; then
    kill "$kafka_pid" 2>/dev/null || true
    wait "$kafka_pid" 2>/dev/null || true
  fi
}
trap stop_all INT TERM EXIT

listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for() { # name, seconds, command...
  local name=$1 limit=$2; shift 2
  for _ in $(seq 1 $((limit * 5))); do
    "$@" && return 0
    sleep 0.2
  done
  echo "$name did not become ready within ${limit}s; see $logs" >&2
  return 1
}

kafka_host=${KAFKA_BOOTSTRAP_SERVERS%%,*}; kafka_port=${kafka_host##*:}; kafka_host=${kafka_host%:*}
if listening "$kafka_host" "$kafka_port"; then
  echo "Kafka: reusing the broker already listening on $kafka_host:$kafka_port"
else
  echo "Kafka: starting a single-node KRaft broker on 127.0.0.1:9092 (log: $logs/kafka.log)"
  infra/bin/kafka.sh > "$logs/kafka.log" 2>&1 &
  kafka_pid=$!
  wait_for Kafka 90 listening 127.0.0.1 9092
fi

if [ ! -f "$CAPTIONFLOW_MEDIA_ROOT/demo/demo.video.json" ]; then
  echo "Demo: rendering the demo video (first run only)"
fi
java --enable-native-access=ALL-UNNAMED -Dloader.main=io.captionflow.worker.demo.DemoVideo -cp "$worker_jar" \
  org.springframework.boot.loader.launch.PropertiesLauncher "$CAPTIONFLOW_MEDIA_ROOT"

echo "Gateway: starting on port $port (log: $logs/gateway.log)"
PORT=$port java -jar "$gateway_jar" > "$logs/gateway.log" 2>&1 &
pids+=($!)
for i in $(seq 1 "$workers"); do
  echo "Worker $i: starting (log: $logs/worker-$i.log)"
  java -jar "$worker_jar" > "$logs/worker-$i.log" 2>&1 &
  pids+=($!)
done

health() { curl -fsS "http://localhost:$port/actuator/health" 2>/dev/null | grep -q '"UP"'; }
wait_for Gateway 120 health
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
cat <<MSG

CaptionFlow is ready in $((elapsed / 1000)).$(( (elapsed % 1000) / 100 ))s:  http://localhost:$port/
  API:     http://localhost:$port/api/videos
  Events:  curl -N http://localhost:$port/api/events/video-stats
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}" ${kafka_pid:+"$kafka_pid"} || true
[ -n "$stopping" ] || echo "A CaptionFlow process exited unexpectedly; see $logs" >&2
