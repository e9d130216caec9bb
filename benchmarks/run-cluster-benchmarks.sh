#!/usr/bin/env bash
# Runs the cluster benchmarks on this machine's PostgreSQL (about 10 minutes on 2 cores):
#   1. pgbench simple-update TPS, the database's own ceiling for context;
#   2. executions/s with 1, 2 and 4 instances, ours vs db-scheduler, rounds alternating, and a
#      profile: statements, commits and time inside JDBC per execution, both sides;
#   3. fire lateness of 3 instances at 1,000 fires per second (and at 100 for context).
# Usage: benchmarks/run-cluster-benchmarks.sh [output-file]
# Environment: N (executions per throughput round, 5000), PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGDATABASE (test); the server
# must trust the user (no password). Measurements hold /tmp/jmh.lock so that two benchmarks never
# overlap on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-benchmarks/target-bench/cluster-results.txt}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
PGDATABASE="${PGDATABASE:-test}"
PGURL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE"
./mvnw -B -q -o -pl benchmarks -am package -Dscripttask.buildDir=target-bench -Dmaven.test.skip=true
JAR=benchmarks/target-bench/benchmarks.jar
mkdir -p "$(dirname "$OUT")"
: > "$OUT"
log() { echo "$*" | tee -a "$OUT"; }
run() {
  log "\$ java -cp $JAR $*"
  timeout 600 java -cp "$JAR" -DpgUrl="$PGURL" -DpgUser="$PGUSER" "$@" 2>&1 \
    | grep -v '^WARNING' | tee -a "$OUT" || true
  log ""
}
measure() {
  log "# $(date -u '+%Y-%m-%d %H:%M:%S UTC') | $(uptime)"
  log "# $(psql -d "$PGDATABASE" -Atc 'SELECT version()')"
  log "# server settings: $(psql -d "$PGDATABASE" -Atc "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('max_connections','shared_buffers','synchronous_commit','fsync','wal_level','max_wal_size','checkpoint_timeout')")"
  log ""

  # 1. the database's own ceiling: pgbench simple-update (-N), 4 clients, 2 threads, 15 s
  local db=st_pgbench
  log "\$ pgbench -i (scale 1) into $db; pgbench -N -c 4 -j 2 -T 15 $db"
  dropdb --if-exists "$db" >/dev/null 2>&1 || true
  createdb "$db"
  pgbench -i -q "$db" >/dev/null 2>&1
  pgbench -N -c 4 -j 2 -T 15 "$db" 2>&1 | grep -E 'clients|threads|duration|transactions actually|latency average|tps' \
    | tee -a "$OUT" || true
  # one client: the ceiling of a single thread that commits one transaction after another
  log "\$ pgbench -N -c 1 -j 1 -T 10 $db"
  pgbench -N -c 1 -j 1 -T 10 "$db" 2>&1 | grep -E 'latency average|tps' | tee -a "$OUT" || true
  dropdb --if-exists "$db" || true
  log ""

  local P=io.scripttask.benchmarks.cluster
  # 2. throughput, 1, 2 and 4 instances, ours vs db-scheduler, same JVM, rounds alternating
  # (n=3000: ours drains 100-300 executions/s here, so 20k per round would not fit the budget)
  run -Xmx2g -Dn="${N:-3000}" -Drounds=3 -Dinstances=1,2,4 -Dwarmup=1000 $P.ClusterThroughput
  # 2b. statements, commits and time inside JDBC per execution (one counted round per side)
  run -Xmx2g -Dn=1000 -Drounds=0 -Dwarmup=500 -Dinstances=1,2 -Dprofile=true $P.ClusterThroughput
  # 3. fire lateness: 3 instances, 1,000 schedules every second, spread over the second (the
  #    target's workload, library defaults); then 100 schedules (100 fires/s), overlap ALLOW, for
  #    context
  run -Xmx2g -Dinstances=3 -Dm=1000 -Dseconds=20 -Doverlap=SKIP $P.ClusterFireLateness
  run -Xmx2g -Dinstances=3 -Dm=100 -Dseconds=20 -Doverlap=ALLOW $P.ClusterFireLateness
  log "# $(date -u '+%Y-%m-%d %H:%M:%S UTC') | $(uptime)"
}
export -f measure log run
export OUT JAR PGURL PGDATABASE
flock /tmp/jmh.lock bash -c measure
