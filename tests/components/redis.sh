#!/usr/bin/env bash
# A Redis server for the distributed queue's tests, CI and a one-machine trial.
#
#   bash tests/components/redis.sh start DIR   # prints the server's URL on its last line
#   bash tests/components/redis.sh halt DIR    # stops it, keeping its data, port and password
#   bash tests/components/redis.sh stop DIR    # stops it and removes its data
#   bash tests/components/redis.sh install     # only make sure redis-server is there
#
# Uses Debian's `redis-server` package (installed with apt-get when missing and this is
# root). The server gets its own data folder (DIR/redis-data), a free port on 127.0.0.1
# only, a random password, and append-only persistence (appendonly yes, fsync every
# second): a restart loses no queued job and no finished result. `start` on a DIR that
# holds data from an earlier server starts it again on that data (a restart).
set -euo pipefail

action=${1:-}
dir=${2:-}
if [[ $action == install ]]; then
  dir=-
fi
if [[ -z $action || -z $dir ]]; then
  echo "usage: $0 start|halt|stop DIR, or $0 install" >&2
  exit 2
fi

say() { echo "redis.sh: $*" >&2; }

install_server() {
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    say "redis-server is not installed, and this is not a root shell with apt-get to install it"
    exit 3
  fi
  say "installing Debian's redis-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq redis-server >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
}

case $action in
install)
  command -v redis-server >/dev/null || install_server
  redis-server --version
  ;;
start)
  command -v redis-server >/dev/null || install_server
  mkdir -p "$dir/redis-data"
  dir=$(cd "$dir" && pwd)
  if [[ -f $dir/redis.env ]]; then
    # shellcheck disable=SC1090
    source "$dir/redis.env"   # a restart: same port, same password, same data
  else
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    printf 'port=%q\npassword=%q\n' "$port" "$password" >"$dir/redis.env"
  fi
  cat >"$dir/redis.conf" <<CONF
bind 127.0.0.1
port $port
requirepass $password
dir $dir/redis-data
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
appendonly yes
appendfsync everysec
save ""
protected-mode yes
CONF
  chmod 0600 "$dir/redis.conf" "$dir/redis.env"
  redis-server "$dir/redis.conf"
  for _ in $(seq 1 100); do
    if redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning -a "$password" ping 2>/dev/null | grep -q PONG; then
      echo "redis://:$password@127.0.0.1:$port/0"
      exit 0
    fi
    sleep 0.1
  done
  say "redis-server did not answer on port $port"; cat "$dir/redis.log" >&2 || true
  exit 1
  ;;
stop|halt)
  # halt: stop the server but keep its data and port (to start it again); stop: remove all
  [[ -f $dir/redis.env ]] || exit 0
  # shellcheck disable=SC1090
  source "$dir/redis.env"
  if [[ -f $dir/redis.pid ]]; then
    pid=$(cat "$dir/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  if [[ $action == stop ]]; then
    rm -rf "$dir/redis-data" "$dir/redis.env" "$dir/redis.conf" "$dir/redis.pid" "$dir/redis.log"
  fi
  ;;
*)
  echo "usage: $0 start|stop|halt DIR, or $0 install" >&2
  exit 2
  ;;
esac
