#!/usr/bin/env bash
# `make demo`: a local ClickHouse, `chview produce` (the seed's producer.py) and, when it
# starts, `chview serve` (the seed's server.py), then the URL to open. Ctrl-C stops the
# producer and the server, then ClickHouse. Logs: var/log/{producer,server}.log.
#   CHVIEW_BIN           the binary (default build/chview)
#   CHVIEW_CH_HTTP_PORT  ClickHouse HTTP port (default 8123; see scripts/clickhouse-local)
#   CHVIEW_PORT          the viewer's port (default 8080)
#   CHVIEW_LOG_DIR       where the logs go (default var/log)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${CHVIEW_BIN:-$root/build/chview}
log_dir=${CHVIEW_LOG_DIR:-$root/var/log}
ch_port=${CHVIEW_CH_HTTP_PORT:-8123}
port=${CHVIEW_PORT:-8080}
clickhouse_url="http://admin:admin123@127.0.0.1:${ch_port}/default"
table=stock_values

say() { echo "demo: $*" >&2; }

[ -x "$bin" ] || { say "$bin not found; run 'make build' first"; exit 1; }
mkdir -p "$log_dir"

producer_pid=""
server_pid=""
clickhouse_started=0

stop_process() {  # name pid: SIGTERM, then SIGKILL after 10 s
  local name=$1 pid=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; say "$name stopped"; return 0; }
    sleep 0.1
  done
  say "$name (pid $pid) ignored SIGTERM for 10 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  trap - INT TERM EXIT
  say "stopping..."
  stop_process producer "$producer_pid"
  stop_process server "$server_pid"
  if [ "$clickhouse_started" = 1 ]; then scripts/clickhouse-local stop || true; fi
  say "done"
}
trap cleanup EXIT
trap 'exit 0' INT TERM  # Ctrl-C is the normal way out; cleanup runs on EXIT

say "starting ClickHouse on port $ch_port"
scripts/clickhouse-local start >/dev/null
clickhouse_started=1

say "starting the producer (log: $log_dir/producer.log)"
"$bin" produce --clickhouse "$clickhouse_url" --table "$table" \
  >"$log_dir/producer.log" 2>&1 &
producer_pid=$!

# ---- server: start `chview serve` if it works -----------------------------------------
# Adjust the flags here when the server's CLI changes. If the server does not come up
# (not built yet, port taken...), the demo keeps running with the producer alone.
say "starting the server (log: $log_dir/server.log)"
"$bin" serve --clickhouse "$clickhouse_url" --table "$table" --limit 1000 \
  --interval 250ms --port "$port" >"$log_dir/server.log" 2>&1 &
server_pid=$!
server_up=0
for _ in $(seq 1 100); do  # up to 10 s
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:${port}/"; then server_up=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$server_up" = 1 ]; then
  echo
  echo "Open http://localhost:${port}"
  echo
else
  say "the server did not start; last lines of $log_dir/server.log:"
  tail -n 5 "$log_dir/server.log" >&2 || true
  stop_process server "$server_pid"
  server_pid=""
  say "the producer keeps filling table '$table' ($clickhouse_url)"
fi
# ---- end of server block --------------------------------------------------------------

say "press Ctrl-C to stop"
# Runs until Ctrl-C, or until the producer or the server exits on its own. `wait -n`
# (not a sleep loop) so that a Ctrl-C runs the trap at once.
check_exited() {  # name pid-variable
  local name=$1 pid=${!2} rc
  [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null || return 0
  wait "$pid" && rc=0 || rc=$?
  printf -v "$2" '%s' ""
  if [ "$rc" = 0 ]; then say "the $name stopped"; exit 0; fi
  say "the $name exited with status $rc; last lines of $log_dir/$name.log:"
  tail -n 5 "$log_dir/$name.log" >&2 || true
  exit 1
}
while true; do
  wait -n "$producer_pid" ${server_pid:+"$server_pid"} 2>/dev/null || true
  check_exited producer producer_pid
  check_exited server server_pid
done
