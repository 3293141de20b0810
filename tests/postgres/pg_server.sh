#!/usr/bin/env bash
# A real PostgreSQL (Debian's postgresql-15) for the store tests: `start DIR` makes a cluster in
# a temp directory, listening on 127.0.0.1 only, with password (SCRAM) authentication, and
# writes what the tests need into DIR: url (postgres://crmhost@127.0.0.1:PORT/postgres, no
# password), password (mode 0600), ca.crt (the CA of the server's TLS certificate, made here
# for 127.0.0.1), pgdata and bin (for the tests that restart it). `stop DIR`
# stops it and removes the cluster. Exit 77 (SKIPPED) where PostgreSQL is not installed.
#
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user (the
# package creates it) and lives under /tmp, where that user can reach it.
set -euo pipefail
action=$1
dir=$(realpath -m "$2")
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  stop)
    [ -f "$dir/pgdata" ] || exit 0
    pgdata=$(cat "$dir/pgdata")
    as_owner "$(cat "$dir/bin")/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$pgdata" "$dir"
    exit 0
    ;;
  start) ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac

if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "SKIPPED: PostgreSQL is not installed (apt-get install postgresql-15)"
  exit 77
fi
"$0" stop "$dir"
mkdir -p "$dir"
pgdata=$(mktemp -d /tmp/crmhost-pg.XXXXXX)
password=$(openssl rand -hex 16)
printf '%s\n' "$password" > "$pgdata/pwfile"
if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$pgdata"; fi
chmod 700 "$pgdata"
as_owner "$bin/initdb" -D "$pgdata/data" -U crmhost --auth=scram-sha-256 \
  --pwfile="$pgdata/pwfile" -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$pgdata/pwfile"

# TLS: a CA and a certificate for 127.0.0.1, made for this run.
tls=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=crmhost test CA" \
  -keyout "$tls/ca.key" -out "$tls/ca.crt" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$tls/server.key" \
  -out "$tls/server.csr" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' > "$tls/ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
  -days 2 -extfile "$tls/ext" -out "$tls/server.crt" >/dev/null 2>&1
cp "$tls/server.crt" "$tls/server.key" "$pgdata/data/"
chmod 600 "$pgdata/data/server.key"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$pgdata/data/server.crt" "$pgdata/data/server.key"; fi
cat >> "$pgdata/data/postgresql.conf" <<CONF
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
CONF

started=false
for attempt in 1 2 3 4 5 6 7 8; do
  port=$(( 20000 + (RANDOM % 30000) ))
  cat >> "$pgdata/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pgdata'
max_connections = 400
fsync = off
CONF
  if as_owner "$bin/pg_ctl" -D "$pgdata/data" -l "$pgdata/server.log" -w -t 30 start >/dev/null; then
    started=true
    break
  fi
done
$started || { cat "$pgdata/server.log" >&2; exit 1; }

umask 077
printf '%s\n' "$password" > "$dir/password"
echo "postgres://crmhost@127.0.0.1:$port/postgres" > "$dir/url"
echo "$pgdata/data" > "$dir/pgdata"
cp "$tls/ca.crt" "$dir/ca.crt"
rm -rf "$tls"
echo "$bin" > "$dir/bin"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($pgdata)"
