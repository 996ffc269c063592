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
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 ||
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
      --dir "$root" --logfile "$root/redis.log" --pidfile "$root/redis.pid" >&2
  local bin pgdata="$root/pg"
  bin=$(pg_bin)
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
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
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
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
