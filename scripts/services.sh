#!/usr/bin/env bash
# Start local PostgreSQL and Redis for the tests when they are installed and not running.
# Idempotent; prints what it found. With CI=true a service that cannot be started is an error.
set -uo pipefail
status=0
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  if command -v pg_lsclusters >/dev/null 2>&1; then
    read -r ver name _ < <(pg_lsclusters --no-header | head -n 1)
    [ -n "${ver:-}" ] && pg_ctlcluster "$ver" "$name" start 2>/dev/null
    for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && break; sleep 0.5; done
  fi
fi
if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  # The tests connect as postgres/postgres over TCP; set that password when we may (as root).
  if [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- psql -qtAc "ALTER USER postgres PASSWORD 'postgres'" >/dev/null 2>&1 || true
  fi
  echo "postgresql: up"
else
  echo "postgresql: not reachable on 127.0.0.1:5432"; status=1
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && command -v redis-server >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 20); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.25; done
fi
if (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then echo "redis: up"; else echo "redis: not reachable on 127.0.0.1:6379"; status=1; fi
if [ "$status" -ne 0 ] && [ "${CI:-}" = "true" ]; then exit 1; fi
exit 0
