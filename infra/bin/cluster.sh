#!/usr/bin/env bash
# make cluster: CaptionFlow as it runs once it outgrows one process each, on this machine, from
# packages only: a 3-broker KRaft Kafka cluster from the Maven jars (topics with replication factor 3
# and min.insync.replicas 2), PostgreSQL (Debian's, through infra/bin/postgres.sh), 2 gateways behind
# nginx (Debian's nginx-light, configured for SSE: no buffering, long read timeouts, no stickiness),
# and 3 workers sharing the 6 partitions of the requests topic. Prints the balancer's URL.
#
# Everything is under data/cluster (CLUSTER_DIR); logs in its logs/, each process's pid in pids/.
# Processes that exit are started again as make run does (CAPTIONFLOW_RESTART=no: not restarted, as
# the cluster's system test wants). Ctrl-C stops everything, the applications first.
# CLUSTER_DATABASE names its PostgreSQL database (captionflow_cluster).
# Ports (loopback only): the balancer CLUSTER_PORT (8080), gateways 8091-8092, workers' management
# 8101-8103, brokers 19092-19094 (controllers 19192-19194); *_BASE_PORT moves each range.
set -euo pipefail
umask 077
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
started=$(date +%s%N)
# a JDK 21 or newer (JAVA_HOME when it is one), as the Makefile picks it, also when started by hand
JAVA_HOME=$(infra/bin/find-jdk.sh)
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"

cluster="${CLUSTER_DIR:-$top/data/cluster}"
logs="$cluster/logs"
pids="$cluster/pids"
media="$cluster/media"
mkdir -p "$logs" "$pids" "$media"
rm -f "$pids"/*.pid

port="${CLUSTER_PORT:-8080}"
gateway_base="${GATEWAY_BASE_PORT:-8091}"
worker_base="${WORKER_BASE_PORT:-8101}"
broker_base="${BROKER_BASE_PORT:-19092}"
controller_base="${CONTROLLER_BASE_PORT:-19192}"
brokers=3 gateways=2 workers=3
export OMP_THREAD_LIMIT=1

version=$(sed -n 's:.*<version>\(.*-SNAPSHOT\)</version>.*:\1:p' pom.xml | head -1)
gateway_jar="api-gateway/target/api-gateway-$version-exec.jar"
worker_jar="ocr-worker/target/ocr-worker-$version-exec.jar"
demo_cp="test-support/target/test-support-$version.jar:$(cat test-support/target/test-support.classpath)"
kafka_cp=$(cat infra/target/kafka.classpath)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx is missing: infra/bin/system-deps.sh nginx-light" >&2; exit 1; }

. infra/bin/processes.sh

# PostgreSQL: the local cluster infra/bin/postgres.sh runs, a database of the cluster's own
database="${CLUSTER_DATABASE:-captionflow_cluster}"
[[ "$database" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "CLUSTER_DATABASE must be a plain lower-case name" >&2; exit 1; }
pg=$(infra/bin/postgres.sh)
pg_host=${pg%:*} pg_port=${pg##*:}
if ! PGPASSWORD=captionflow psql -h "$pg_host" -p "$pg_port" -U captionflow -d postgres -tAc \
    "select 1 from pg_database where datname = '$database'" | grep -q 1; then
  PGPASSWORD=captionflow createdb -h "$pg_host" -p "$pg_port" -U captionflow "$database"
fi
echo "PostgreSQL: $pg, database $database"

# Kafka: three nodes, each broker and controller, formatted once with a fixed cluster id
voters="" bootstrap=""
for i in $(seq 1 $brokers); do
  voters+="${voters:+,}$i@127.0.0.1:$((controller_base + i - 1))"
  bootstrap+="${bootstrap:+,}127.0.0.1:$((broker_base + i - 1))"
done
for i in $(seq 1 $brokers); do
  node="$cluster/kafka-$i"
  mkdir -p "$node"
  cat > "$node/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$((broker_base + i - 1)),CONTROLLER://127.0.0.1:$((controller_base + i - 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$((broker_base + i - 1))
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$node/logs
auto.create.topics.enable=false
num.partitions=6
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPERTIES
  java_opts=(-Xms128m -Xmx512m -Dlog4j2.configurationFile="$top/infra/kafka/log4j2.yaml" -cp "$kafka_cp")
  if [ ! -f "$node/logs/meta.properties" ]; then
    java "${java_opts[@]}" kafka.tools.StorageTool format -t Q2FwdGlvbkZsb3dDbHVzdA \
      -c "$node/server.properties" --ignore-formatted >> "$logs/kafka-$i.log" 2>&1
  fi
  echo "Broker $i: 127.0.0.1:$((broker_base + i - 1)) (log: $logs/kafka-$i.log)"
  supervise "broker-$i" "$logs/kafka-$i.log" java "${java_opts[@]}" kafka.Kafka "$node/server.properties" &
  infrastructure+=($!)
done
for i in $(seq 1 $brokers); do
  wait_for "Broker $i" 90 listening 127.0.0.1 $((broker_base + i - 1))
done

java --enable-native-access=ALL-UNNAMED -cp "$demo_cp" io.captionflow.testsupport.DemoVideo "$media" >> "$logs/demo.log" 2>&1

# what both applications share: the cluster, durable topics, the media
export KAFKA_BOOTSTRAP_SERVERS="$bootstrap"
export KAFKA_TOPIC_REPLICATION_FACTOR=3 KAFKA_TOPIC_MIN_INSYNC_REPLICAS=2
export CAPTIONFLOW_MEDIA_ROOT="$media"
for i in $(seq 1 $gateways); do
  gateway_port=$((gateway_base + i - 1))
  echo "Gateway $i: http://127.0.0.1:$gateway_port/ (log: $logs/gateway-$i.log)"
  mkdir -p "$cluster/gateway-$i"
  supervise "gateway-$i" "$logs/gateway-$i.log" env PORT="$gateway_port" CAPTIONFLOW_DATA_DIR="$cluster/gateway-$i" \
    SPRING_PROFILES_ACTIVE=postgres,local \
    CAPTIONFLOW_R2DBC_URL="r2dbc:postgresql://$pg_host:$pg_port/$database" \
    CAPTIONFLOW_JDBC_URL="jdbc:postgresql://$pg_host:$pg_port/$database" \
    SERVER_FORWARDHEADERSSTRATEGY=native \
    java -Xmx512m -jar "$gateway_jar" &
done
for i in $(seq 1 $workers); do
  echo "Worker $i: health and metrics on http://127.0.0.1:$((worker_base + i - 1))/actuator (log: $logs/worker-$i.log)"
  supervise "worker-$i" "$logs/worker-$i.log" env MANAGEMENT_PORT=$((worker_base + i - 1)) \
    java -Xmx384m -jar "$worker_jar" &
done

# the balancer: round robin over the gateways (any gateway serves any stream), SSE unbuffered
mkdir -p "$cluster/nginx/logs" "$cluster/nginx/tmp"
{
  [ "$(id -u)" -ne 0 ] || echo "user root;"
  cat <<NGINX
worker_processes 1;
error_log logs/error.log warn;
pid logs/nginx.pid;
events { worker_connections 8192; }
http {
  access_log logs/access.log;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
  client_max_body_size 2m;
  upstream gateways {
$(for i in $(seq 1 $gateways); do echo "    server 127.0.0.1:$((gateway_base + i - 1)) max_fails=1 fail_timeout=5s;"; done)
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$port;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    proxy_set_header X-Forwarded-Host \$http_host;
    proxy_connect_timeout 2s;
    # a gateway that refuses the connection: the next one (a request not yet sent is safe to resend)
    proxy_next_upstream error timeout http_502 http_503;
    location / {
      proxy_pass http://gateways;
    }
    # event streams: every byte at once, open for hours (the gateway sends a heartbeat every 15 s)
    location /api/events/ {
      proxy_pass http://gateways;
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }
  }
}
NGINX
} > "$cluster/nginx/nginx.conf"
echo "Balancer: nginx on http://127.0.0.1:$port/ (log: $cluster/nginx/logs/error.log)"
# in a session of its own: nginx would take a terminal's Ctrl-C as its own (a fast shutdown) and be
# restarted while stop_all stops the applications; stop_all stops it last, with SIGTERM
supervise balancer "$logs/nginx.log" setsid "$nginx" -p "$cluster/nginx" -c nginx.conf -g 'daemon off;' &
infrastructure+=($!)

ready() { curl -fsS "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null 2>&1; }
for i in $(seq 1 $gateways); do wait_for "Gateway $i" 180 ready $((gateway_base + i - 1)); done
for i in $(seq 1 $workers); do wait_for "Worker $i" 180 ready $((worker_base + i - 1)); done
wait_for Balancer 30 ready "$port"
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
cat <<MSG

CaptionFlow cluster is ready in $((elapsed / 1000)).$(( (elapsed % 1000) / 100 ))s:  http://localhost:$port/
  $brokers brokers ($bootstrap), $gateways gateways behind nginx, $workers workers, PostgreSQL $pg
  Metrics: http://localhost:$port/actuator/prometheus (a gateway), workers on ports $worker_base-$((worker_base + workers - 1))
Press Ctrl-C to stop.
MSG
wait || true
