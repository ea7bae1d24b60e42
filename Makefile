# CaptionFlow: `make run` starts everything locally, `make test` runs the whole suite.
# Both pick a JDK >= 21 themselves and install missing system packages (Debian: apt-get).

SHELL := /bin/bash
JAVA_HOME := $(shell infra/bin/find-jdk.sh)
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
export OMP_THREAD_LIMIT := 1
MVN := ./mvnw -B --no-transfer-progress
BENCH_CP = $$(ls benchmarks/target/benchmarks-*.jar):$$(cat benchmarks/target/benchmarks.classpath)

.PHONY: help run cluster test chaos chaos-short build bench-saves bench-sse bench-median bench-isolation bench-worker screenshots docs clean deps check-jdk

## help: this list (what bare make prints)
help:
	@echo "CaptionFlow: make <target>"
	@awk '/^## [a-z-]+:/ { sub(/^## /, ""); name = $$0; sub(/:.*/, "", name); text = $$0; \
		sub(/^[a-z-]+: */, "", text); printf "  %-16s %s\n", name, text }' $(MAKEFILE_LIST)

check-jdk:
	@test -n "$(JAVA_HOME)" || { infra/bin/find-jdk.sh >/dev/null; exit 1; }

deps:
	@infra/bin/system-deps.sh

## build: compile and package every module (tests are not run)
# (shows a line per module and, on a cold build, a count of the artifacts downloaded; errors in full)
build: check-jdk deps
	@set -o pipefail; ./mvnw -B -DskipTests install 2>&1 | awk ' \
		/Downloaded from/ { n++; if (n % 100 == 0) { printf "  %d artifacts downloaded\n", n; fflush() } next } \
		/^\[INFO\] Building .*\[[0-9]+\/[0-9]+\]/ { sub(/^\[INFO\] /, ""); print; fflush(); next } \
		/^\[ERROR\]|BUILD (SUCCESS|FAILURE)|Total time/ { print; fflush() } \
		END { if (n > 0) printf "  %d artifacts downloaded in all\n", n }'

## run: Kafka, the gateway and the OCR workers, with a demo video; prints the URL
run: build
	@infra/bin/run.sh

## cluster: 3 Kafka brokers, PostgreSQL, 2 gateways behind nginx and 3 workers; prints the URL
# (everything under data/cluster; see docs/operations.md)
cluster: build
	@infra/bin/system-deps.sh postgresql nginx-light
	@infra/bin/cluster.sh

## test: the whole suite: unit, integration, browser, end-to-end, OCR accuracy and chaos (short)
# (the chaos suite's short mode: a worker, a gateway and the broker killed under load, about 5 minutes;
# its full mode is make chaos)
# the tests also read Simplified Chinese, rendered with a CJK font, and Liberation fonts; the
# gateway's integration tests run on H2 and again on a local PostgreSQL (Debian's, installed
# and started when missing); the accuracy suite (profile accuracy) prints its CER table; the
# browser tests drive Debian's chromium through its chromedriver
test: check-jdk
	@infra/bin/system-deps.sh tesseract-ocr-chi-sim fonts-wqy-microhei fonts-liberation chromium chromium-driver nginx-light
	postgres=$$(infra/bin/postgres.sh) && $(MVN) verify -Paccuracy -Dpostgres.tests=$$postgres

## chaos: fault injection on real processes; prints a table of what was lost, duplicated or stuck
# (every fault, on PostgreSQL, on H2 and on a
# 3-broker cluster, 500 SSE clients): kill -9 of workers and gateways, broker and database outages,
# a stalled client, redelivered flow events, a full media disk; prints its table (also in
# chaos-tests/target/chaos/report.txt) and fails on anything lost, duplicated or stuck
chaos: check-jdk
	@infra/bin/system-deps.sh postgresql
	$(MVN) -pl chaos-tests -am verify -Dchaos.mode=full -Dtest=ChaosIntegrationTests \
		-Dsurefire.failIfNoSpecifiedTests=false; status=$$?; \
		cat chaos-tests/target/chaos/report.txt 2>/dev/null; exit $$status

## chaos-short: the chaos suite's short mode, as make test runs it (about 5 minutes)
# (a worker, a gateway and the broker killed under load, on PostgreSQL)
chaos-short: check-jdk
	@infra/bin/system-deps.sh postgresql
	$(MVN) -pl chaos-tests -am verify -Dtest=ChaosIntegrationTests -Dsurefire.failIfNoSpecifiedTests=false; \
		status=$$?; cat chaos-tests/target/chaos/report.txt 2>/dev/null; exit $$status

## screenshots: run the browser tests and keep their screenshots of both pages in docs/screenshots
screenshots: build
	@infra/bin/system-deps.sh chromium chromium-driver
	$(MVN) -pl system-tests verify -Dtest=BrowserIntegrationTests -Dscreenshots=$(CURDIR)/docs/screenshots

## docs: write each app's module diagram (Spring Modulith) and settings reference into docs/
docs: check-jdk
	$(MVN) -pl events-schema,test-support,api-gateway,ocr-worker verify -Dtest=ModuleStructureTests,SettingsReferenceTests \
		-Dsurefire.failIfNoSpecifiedTests=false -Dcaptionflow.docs.update=true

## clean: remove build output and local data (Kafka log, database, rendered media)
clean: check-jdk
	$(MVN) -q clean
	rm -rf data

## bench-worker: OCR worker latency (consume to completion) and throughput on a 1080p video
bench-worker: build
	java -cp "$(BENCH_CP)" \
		io.captionflow.benchmarks.WorkerLatencyBenchmark benchmarks/target/worker

## bench-saves: save latency through the gateway at 1, 10 and 50 clients, on H2 and on PostgreSQL
bench-saves: build
	java -cp "$(BENCH_CP)" io.captionflow.benchmarks.SaveLatencyBenchmark
	postgres=$$(infra/bin/postgres.sh) && java -cp "$(BENCH_CP)" \
		io.captionflow.benchmarks.SaveLatencyBenchmark --postgres $$postgres

## bench-sse: SSE connections one gateway holds, heap per connection, broadcast latency
# (to 1,000 and 10,000 clients)
bench-sse: build
	java -cp "$(BENCH_CP)" io.captionflow.benchmarks.SseBroadcastBenchmark

## bench-median: JMH benchmark of the median frame, and numpy's median on the same data
bench-median: build
	java -cp "$(BENCH_CP)" \
		org.openjdk.jmh.Main MedianFrameBenchmark
	java -cp "$(BENCH_CP)" \
		io.captionflow.benchmarks.MedianStack benchmarks/target/median
	@if python3 -c 'import numpy' 2>/dev/null; then python3 benchmarks/numpy_median.py benchmarks/target/median; \
	else echo "numpy is not installed (apt-get install python3-numpy): no comparison"; fi

## bench-isolation: JMH benchmark of text isolation on one 1080p caption
# (a 1920x200 box, 25 and 64 frames)
bench-isolation: build
	java -cp "$(BENCH_CP)" org.openjdk.jmh.Main TextIsolationBenchmark
