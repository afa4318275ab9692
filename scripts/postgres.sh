#!/usr/bin/env bash
# CI: install (Debian's package) and start a PostgreSQL server on 127.0.0.1, create a role and a database
# for the tests, and print the SQLAlchemy URL that XUEFA_TEST_DATABASE_URL takes. Needs root (apt, su).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 || true
for _ in $(seq 50); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 0.2
done
su postgres -c "psql -q -v ON_ERROR_STOP=1" >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'xuefa') THEN
    CREATE ROLE xuefa LOGIN CREATEDB PASSWORD 'xuefa';
  END IF;
END $$;
-- the tests drop their databases WITH (FORCE), which must be able to end an autovacuum worker in them
GRANT pg_signal_backend TO xuefa;
SQL
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'xuefa'\"" | grep -q 1 \
  || su postgres -c "createdb -O xuefa xuefa" >&2
echo "postgresql+psycopg://xuefa:xuefa@127.0.0.1:5432/xuefa"
