#!/usr/bin/env bash
# Runs a real single-node KRaft Kafka broker from the Maven Central jars listed in
# infra/target/kafka.classpath, with its data under data/kafka (formatted once, with a fixed
# cluster id). Runs in the foreground; stop it with Ctrl-C or SIGTERM.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
data="${CAPTIONFLOW_DATA_DIR:-$top/data}"
classpath_file="$top/infra/target/kafka.classpath"
[ -f "$classpath_file" ] || { echo "Build first: $classpath_file is missing (make build)" >&2; exit 1; }
# a fixed id: the data folder can be reused by every later run
cluster_id="Q2FwdGlvbkZsb3dMb2NhbA"

mkdir -p "$data/kafka"
sed "s#@DATA_DIR@#$data#g" "$top/infra/kafka/server.properties" > "$data/kafka/server.properties"
cp=$(cat "$classpath_file")
opts=(-Xms256m -Xmx768m -Dlog4j2.configurationFile="$top/infra/kafka/log4j2.yaml")

if [ ! -f "$data/kafka/logs/meta.properties" ]; then
  echo "Formatting Kafka storage in $data/kafka/logs (cluster id $cluster_id)"
  java "${opts[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$data/kafka/server.properties" --ignore-formatted
fi
exec java "${opts[@]}" -cp "$cp" kafka.Kafka "$data/kafka/server.properties"
