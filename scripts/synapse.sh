#!/usr/bin/env bash
# Starts (or stops) a Synapse homeserver on 127.0.0.1 for the Matrix test suites, without systemd or
# Docker. Shared by .ci/run and developers:
#   eval "$(scripts/synapse.sh start)"   # prints export lines for CHATWARDEN_TEST_MATRIX_URL / _SECRET
#   scripts/synapse.sh stop
# Installs matrix-synapse from PyPI into a Python venv once (about a minute, reused afterwards), generates
# the config in its data folder with test overrides (SQLite, registration by shared secret, no federation,
# rate limits lifted, cheap bcrypt, presence off) and polls /_matrix/client/versions until it answers.
# Idempotent: a running server of this folder is reused. Settings:
#   CHATWARDEN_SYNAPSE_VENV  the venv (default /tmp/chatwarden-synapse-venv)
#   CHATWARDEN_SYNAPSE_DIR   config, SQLite database, media and logs (default /tmp/chatwarden-synapse)
#   CHATWARDEN_SYNAPSE_PORT  the first port to try (default 58008; taken ports are skipped)
set -euo pipefail
version="1.163.2"
venv="${CHATWARDEN_SYNAPSE_VENV:-/tmp/chatwarden-synapse-venv}"
root="${CHATWARDEN_SYNAPSE_DIR:-/tmp/chatwarden-synapse}"
port="${CHATWARDEN_SYNAPSE_PORT:-58008}"

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
answers() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/_matrix/client/versions"; }
running() { [ -f "$root/synapse.pid" ] && kill -0 "$(cat "$root/synapse.pid")" 2>/dev/null; }

install_venv() {
  [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import synapse' 2>/dev/null && return
  command -v python3 >/dev/null || { apt-get update -qq >&2 && apt-get install -y -qq python3 python3-venv >&2; }
  echo "installing matrix-synapse==$version into $venv (about a minute)" >&2
  # Built aside and moved into place, so a half-made venv is never mistaken for a ready one.
  local tmp="$venv.partial.$$"
  rm -rf "$tmp"
  python3 -m venv "$tmp" >&2
  "$tmp/bin/pip" install -q --disable-pip-version-check "matrix-synapse==$version" >&2
  if [ -x "$venv/bin/python" ]; then rm -rf "$tmp"; else mv "$tmp" "$venv"; fi
}

configure() {
  [ -f "$root/homeserver.yaml" ] && return
  # The generated log config writes homeserver.log into the current folder: generate from inside it.
  (cd "$root" && "$venv/bin/python" -m synapse.app.homeserver --generate-config --server-name localhost \
    --config-path homeserver.yaml --data-directory "$root" --report-stats no >/dev/null)
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$root/secret"
}

# Later --config-path files replace the top-level keys of earlier ones.
overrides() {
  local rc='{per_second: 1000, burst_count: 1000}'
  cat <<EOF
listeners:
  - {port: $port, bind_addresses: ["127.0.0.1"], type: http, tls: false, x_forwarded: false,
     resources: [{names: [client], compress: false}]}
database: {name: sqlite3, args: {database: "$root/homeserver.db"}}
registration_shared_secret: "$(cat "$root/secret")"
enable_registration: false
federation_domain_whitelist: []
trusted_key_servers: []
suppress_key_server_warning: true
url_preview_enabled: false
presence: {enabled: false}
bcrypt_rounds: 4
report_stats: false
rc_message: $rc
rc_registration: $rc
rc_login: {address: $rc, account: $rc, failed_attempts: $rc}
rc_admin_redaction: $rc
rc_joins: {local: $rc, remote: $rc}
rc_joins_per_room: $rc
rc_invites: {per_room: $rc, per_user: $rc, per_issuer: $rc}
rc_3pid_validation: $rc
rc_third_party_invite: $rc
rc_room_creation: $rc
rc_media_create: $rc
rc_reports: $rc
rc_delayed_event_mgmt: $rc
EOF
}

start() {
  mkdir -p "$root"
  exec 9>"$root/.lock"
  flock 9 # two test runs starting at once share one server
  if running && answers "$(cat "$root/port")"; then
    port=$(cat "$root/port")
  else
    install_venv
    configure
    while in_use "$port"; do port=$((port + 1)); done
    echo "$port" > "$root/port"
    overrides > "$root/overrides.yaml"
    (cd "$root" && exec setsid "$venv/bin/python" -m synapse.app.homeserver --config-path homeserver.yaml \
      --config-path overrides.yaml >> "$root/stdout.log" 2>&1 < /dev/null 9>&-) &
    echo $! > "$root/synapse.pid"
    # The first start migrates the schema (seconds to a minute).
    for _ in $(seq 1 900); do
      answers "$port" && break
      running || { echo "synapse exited; see $root/stdout.log and $root/homeserver.log" >&2; exit 1; }
      sleep 0.2
    done
    answers "$port" || { echo "synapse did not answer on port $port within 3 minutes" >&2; exit 1; }
  fi
  echo "export CHATWARDEN_TEST_MATRIX_URL=http://127.0.0.1:$port"
  echo "export CHATWARDEN_TEST_MATRIX_SECRET=$(cat "$root/secret")"
}

stop() {
  # Only the server this folder started.
  running || return 0
  local pid
  pid=$(cat "$root/synapse.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$root/synapse.pid"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
