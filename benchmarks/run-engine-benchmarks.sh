#!/usr/bin/env bash
# Runs the engine benchmarks reported in docs/BENCHMARKS-ENGINE.md (about 12 minutes on 2 cores).
# Usage: benchmarks/run-engine-benchmarks.sh [output-file]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-benchmarks/target-ebench/engine-results.txt}"
./mvnw -B -q -o -pl benchmarks -am package -Dscripttask.buildDir=target-ebench -Dmaven.test.skip=true
JAR=benchmarks/target-ebench/benchmarks.jar
run() {
  echo "\$ java -cp $JAR $*" | tee -a "$OUT"
  timeout 330 java -cp "$JAR" "$@" 2>&1 | grep -v '^WARNING' | tee -a "$OUT" || true
  echo | tee -a "$OUT"
}
: > "$OUT"
uptime | tee -a "$OUT"
P=io.scripttask.benchmarks.engine
# 1. throughput, ours vs Quartz, same JVM, rounds alternating
run -Xmx4g -Dn=20000 -Drounds=3 -DquartzThreads=2,8,32 -Doverlap=ALLOW $P.ThroughputVsQuartz
run -Xmx4g -Dn=5000 -Drounds=2 -DquartzThreads=8 -Doverlap=SKIP $P.ThroughputVsQuartz
# 2. heap per schedule (store path at 100k and 1M, API path at 10k/20k as a cross-check)
run -Xmx8g -Djdk.attach.allowAttachSelf=true -Dcounts=100000,1000000 -Djol=10000 $P.HeapPerSchedule
run -Xmx8g -Dcounts=100000 -Dtrigger=interval -Djol=0 $P.HeapPerSchedule
run -Xmx8g -Dcounts=10000,20000 -Dvia=api -Djol=0 $P.HeapPerSchedule
# 3. cost of finding due work, 10k -> 100k -> 1M
run -Xmx8g -Dcounts=10000,100000,1000000 -Doverlap=ALLOW $P.DueWorkScaling
run -Xmx8g -Dcounts=10000,1000000 -Dwarmup=1000 -Dticks=2000 -Doverlap=SKIP $P.DueWorkScaling
# 4. fire lateness at 1,000 fires/s on the real clock
run -Dseconds=25 -Dmode=spread -Doverlap=SKIP $P.FireLateness
run -Dseconds=25 -Dmode=spread -Doverlap=ALLOW $P.FireLateness
run -Dseconds=25 -Dmode=burst -Doverlap=ALLOW $P.FireLateness
run -Dseconds=25 -Dmode=spread -Dpeer=quartz $P.FireLateness
run -Dseconds=25 -Dmode=burst -Dpeer=quartz $P.FireLateness
uptime | tee -a "$OUT"
