#!/usr/bin/env bash
# Installs the system services the full test suite starts by itself: PostgreSQL 15,
# Redis and Chromium (Debian packages). Runs as root (CI, fresh machines); skips what
# is already there. The gateway itself needs none of these (`npm start` is embedded).
set -euo pipefail

need=()
[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || need+=(postgresql-15)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  echo "system dependencies present (PostgreSQL 15, Redis, Chromium)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing: ${need[*]} — run as root (or: sudo $0) to install them" >&2
  exit 1
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${need[@]}"
