#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, CI and a one-machine trial.
#
#   bash tests/components/postgres.sh start DIR   # prints the server's URL on its last line
#   bash tests/components/postgres.sh stop DIR    # stops it and removes its data
#   bash tests/components/postgres.sh install     # only make sure the server package is there
#
# Uses Debian's `postgresql` package (installed with apt-get when missing and this is
# root). The cluster gets its own data folder, a free port on 127.0.0.1 only, a random
# password, and a database named `grader`; DIR keeps what `stop` needs. PostgreSQL
# refuses to run as root, so as root the server runs as the unprivileged `postgres` user
# (made by the package) from a data folder that user owns.
set -euo pipefail

action=${1:-}
dir=${2:-}
if [[ $action == install ]]; then
  dir=-
fi
if [[ -z $action || -z $dir ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

say() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [[ -n $found && -x $found/pg_ctl ]] && echo "$found"
}

install_server() {
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    say "PostgreSQL is not installed, and this is not a root shell with apt-get to install it"
    exit 3
  fi
  say "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq postgresql >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
}

as_server_user() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case $action in
install)
  bin=$(find_bin || true)
  [[ -n $bin ]] || install_server
  bin=$(find_bin || true)
  [[ -n $bin ]] || { say "postgresql installed but no pg_ctl found"; exit 3; }
  "$bin/postgres" --version
  ;;
start)
  bin=$(find_bin || true)
  if [[ -z $bin ]]; then
    install_server
    bin=$(find_bin || true)
    [[ -n $bin ]] || { say "postgresql installed but no pg_ctl found"; exit 3; }
  fi
  if [[ $(id -u) == 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
  fi
  mkdir -p "$dir"
  # The data folder must be reachable by the server's user: DIR may be private to root.
  data=$(mktemp -d /tmp/grader-pg.XXXXXX)
  chmod 0755 "$data"
  [[ $(id -u) == 0 ]] && chown postgres: "$data"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  printf '%s\n' "$password" >"$data/pwfile"
  [[ $(id -u) == 0 ]] && chown postgres: "$data/pwfile"
  as_server_user "$bin/initdb" -D "$data/cluster" -U grader --pwfile="$data/pwfile" \
    --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$data/initdb.log" 2>&1 \
    || { cat "$data/initdb.log" >&2; exit 1; }
  rm -f "$data/pwfile"
  as_server_user "$bin/pg_ctl" -D "$data/cluster" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data -c fsync=off" \
    start >/dev/null || { cat "$data/server.log" >&2; exit 1; }
  PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U grader grader
  printf 'bin=%q\ndata=%q\n' "$bin" "$data" >"$dir/postgres.env"
  echo "postgresql+psycopg://grader:$password@127.0.0.1:$port/grader"
  ;;
stop)
  [[ -f $dir/postgres.env ]] || exit 0
  # shellcheck disable=SC1091
  source "$dir/postgres.env"
  as_server_user "$bin/pg_ctl" -D "$data/cluster" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$data" "$dir/postgres.env"
  ;;
*)
  echo "usage: $0 start|stop DIR, or $0 install" >&2
  exit 2
  ;;
esac
