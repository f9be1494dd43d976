#!/usr/bin/env bash
# Install and start the system services the test suite needs: Debian's Chromium (browser
# tests through Playwright), a PostgreSQL server (registry integration tests) and a Java 17
# runtime (Spark parity tests: pyspark starts a JVM).
# Idempotent: does nothing that is already done. Fails loudly if it cannot install.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# Run a command as the postgres superuser (runuser when we are root, sudo otherwise).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v java >/dev/null 2>&1 || [ -x "${JAVA_HOME:-/nonexistent}/bin/java" ] \
  || need+=(openjdk-17-jre-headless)
if [ ${#need[@]} -gt 0 ]; then
  echo "system-deps: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Start the first PostgreSQL cluster and make a test role/database (trusted on loopback).
ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q online; then
  pg_lsclusters -h | grep -q "^$ver " || $SUDO pg_createcluster "$ver" main >/dev/null
  $SUDO pg_ctlcluster "$ver" main start
fi
as_postgres psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='comexlab'" | grep -q 1 \
  || as_postgres psql -qc "CREATE ROLE comexlab LOGIN PASSWORD 'comexlab' CREATEDB"
as_postgres psql -qtAc "SELECT 1 FROM pg_database WHERE datname='comexlab_test'" | grep -q 1 \
  || as_postgres psql -qc "CREATE DATABASE comexlab_test OWNER comexlab"
echo "system-deps: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), postgresql $ver online, $(java -version 2>&1 | head -n 1)"
