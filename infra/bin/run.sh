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

# supervise NAME LOG COMMAND...: runs COMMAND with its output appended to LOG and starts it again
# whenever it exits, however it exits. Runs in the background: on SIGTERM it stops COMMAND, waits
# for it, and returns without restarting it.
supervise() {
  local name=$1 log=$2; shift 2
  local delay=1 restarts=0 up_since status how
  trap - EXIT
  # Ctrl-C and a hang-up reach the whole terminal's process group: this shell and COMMAND (which
  # inherits this) ignore them and leave them to stop_all, which stops the applications first
  trap '' INT HUP
  # jobs -p: the command or the backoff sleep, whichever runs, even if the signal came before $! was read
  trap 'trap - TERM; kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; exit 0' TERM
  while :; do
    up_since=$SECONDS
    "$@" >> "$log" 2>&1 &
    # (2>/dev/null: bash would add its own "Killed" line for a command a signal ended)
    status=0; wait $! 2>/dev/null || status=$?
    [ $((SECONDS - up_since)) -lt 60 ] || delay=1
    restarts=$((restarts + 1))
    how="status $status"
    if [ "$status" -gt 128 ] && sig=$(kill -l $((status - 128)) 2>/dev/null); then how="$how, killed by SIG$sig"; fi
    echo "$name exited ($how); restarting in ${delay}s (restart $restarts); see ${log#"$top"/}" >&2 || true
    echo "[run.sh $(date '+%F %T')] $name exited ($how); restarting in ${delay}s (restart $restarts)" >> "$log"
    sleep "$delay" & wait $! || true
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

kafka_supervisor=""
stop_all() {
  trap - INT TERM HUP EXIT
  # every background job is a supervisor (listed by jobs -p, so none is missed even if the signal
  # came before its pid was stored); the applications' first, while the broker can still take
  # their last offsets and records
  local apps=() job
  for job in $(jobs -p); do [ "$job" = "$kafka_supervisor" ] || apps+=("$job"); done
  if [ ${#apps[@]} -gt 0 ]; then
    { echo; echo "Stopping CaptionFlow..."; } 2>/dev/null || true  # the terminal may be gone (SIGHUP)
    kill "${apps[@]}" 2>/dev/null || true
    wait "${apps[@]}" 2>/dev/null || true
  fi
  if [ -n "$kafka_supervisor" ]; then
    kill "$kafka_supervisor" 2>/dev/null || true
    wait "$kafka_supervisor" 2>/dev/null || true
  fi
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all; exit 129' HUP
trap stop_all EXIT

listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for() { # name, seconds, command...: polls until the command succeeds; past the limit, says so once
  local name=$1 limit=$2 since=$SECONDS said=""; shift 2
  until "$@"; do
    if [ -z "$said" ] && [ $((SECONDS - since)) -ge "$limit" ]; then
      echo "$name is not ready after ${limit}s; still waiting (see $logs; Ctrl-C stops)" >&2
      said=1
    fi
    sleep 0.2
  done
}

kafka_host=${KAFKA_BOOTSTRAP_SERVERS%%,*}; kafka_port=${kafka_host##*:}; kafka_host=${kafka_host%:*}
if listening "$kafka_host" "$kafka_port"; then
  echo "Kafka: reusing the broker already listening on $kafka_host:$kafka_port"
else
  echo "Kafka: starting a single-node KRaft broker on 127.0.0.1:9092 (log: $logs/kafka.log)"
  : > "$logs/kafka.log"
  supervise Kafka "$logs/kafka.log" infra/bin/kafka.sh &
  kafka_supervisor=$!
  wait_for Kafka 90 listening 127.0.0.1 9092
fi

if [ ! -f "$CAPTIONFLOW_MEDIA_ROOT/demo/demo.video.json" ]; then
  echo "Demo: rendering the demo video (first run only)"
fi
java --enable-native-access=ALL-UNNAMED -cp "$demo_cp" io.captionflow.testsupport.DemoVideo "$CAPTIONFLOW_MEDIA_ROOT"

echo "Gateway: starting on port $port (log: $logs/gateway.log)"
: > "$logs/gateway.log"
supervise Gateway "$logs/gateway.log" env PORT="$port" java -jar "$gateway_jar" &
for i in $(seq 1 "$workers"); do
  echo "Worker $i: starting (log: $logs/worker-$i.log)"
  : > "$logs/worker-$i.log"
  supervise "Worker $i" "$logs/worker-$i.log" java -jar "$worker_jar" &
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
# the supervisors return only when stopped; Ctrl-C or SIGTERM interrupts this wait and runs stop_all
wait || true
