#!/usr/bin/env bash
# Starts (or stops) the Redis and PostgreSQL servers that the service-backed test suites use, on 127.0.0.1
# ports of their own, without systemd. Shared by .ci/run and developers:
#   eval "$(scripts/services.sh start)"   # prints export lines for CHATWARDEN_TEST_REDIS_URL / _POSTGRES_URL
#   scripts/services.sh stop
# Installs redis-server (Debian package) when missing; uses the PostgreSQL server the machine ships
# (installs `postgresql` when missing).
set -euo pipefail
root="${CHATWARDEN_SERVICES_DIR:-/tmp/chatwarden-services}"
redis_port="${CHATWARDEN_REDIS_PORT:-56379}"
pg_port="${CHATWARDEN_PG_PORT:-55432}"

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

install_missing() {
  local need=()
  command -v redis-server >/dev/null || need+=(redis-server)
  [ -n "$(pg_bin)" ] || need+=(postgresql)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  fi
}

start() {
  install_missing
  mkdir -p "$root"
  if [ -f "$root/redis.port" ] && redis-cli -p "$(cat "$root/redis.port")" ping >/dev/null 2>&1; then
    redis_port=$(cat "$root/redis.port")
  else
    while in_use "$redis_port"; do redis_port=$((redis_port + 1)); done
    echo "$redis_port" > "$root/redis.port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
      --dir "$root" --logfile "$root/redis.log" --pidfile "$root/redis.pid" >&2
  fi
  local bin pgdata="$root/pg"
  bin=$(pg_bin)
  if runuser -u postgres -- "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    pg_port=$(cat "$root/pg.port" 2>/dev/null || echo "$pg_port")
  else
    # Another server (not ours) on the port: take the next free one.
    while in_use "$pg_port"; do pg_port=$((pg_port + 1)); done
    echo "$pg_port" > "$root/pg.port"
    if [ ! -f "$pgdata/PG_VERSION" ]; then
      mkdir -p "$pgdata" && chown postgres "$root" "$pgdata" && chmod 700 "$pgdata"
      runuser -u postgres -- "$bin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
    fi
    runuser -u postgres -- "$bin/pg_ctl" -D "$pgdata" -l "$root/pg.log" -w \
      -o "-p $pg_port -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  fi
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='chatwarden_test'" |
    grep -q 1 || psql -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE chatwarden_test" >/dev/null
  echo "export CHATWARDEN_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
  echo "export CHATWARDEN_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$pg_port/chatwarden_test"
}

stop() {
  # Only the servers this folder started: never a Redis someone else runs on the default port.
  [ -f "$root/redis.port" ] && redis-cli -p "$(cat "$root/redis.port")" shutdown nosave >/dev/null 2>&1 || true
  local bin
  bin=$(pg_bin) || true
  [ -n "${bin:-}" ] && [ -d "$root/pg" ] &&
    runuser -u postgres -- "$bin/pg_ctl" -D "$root/pg" -m immediate stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
