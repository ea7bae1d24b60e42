#!/usr/bin/env bash
# Makes a local PostgreSQL run for the gateway's PostgreSQL tests (and the postgres profile):
# installs Debian's postgresql package when missing, creates and starts its cluster, and a
# login role captionflow/captionflow that may create databases. Prints host:port.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/system-deps.sh" postgresql >&2

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  as_root pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -qx online; then
  as_root pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 -c "
  do \$\$ begin
    if not exists (select from pg_roles where rolname = 'captionflow') then
      create role captionflow login createdb password 'captionflow';
    end if;
  end \$\$;" >&2
as_postgres psql -q -p "$port" -tAc "select 1 from pg_database where datname = 'captionflow'" | grep -q 1 \
  || as_postgres createdb -p "$port" -O captionflow captionflow >&2
# test databases of earlier runs
for db in $(as_postgres psql -p "$port" -tAc "select datname from pg_database where datname like 'captionflow\_test\_%'"); do
  as_postgres dropdb -p "$port" "$db" >&2
done
echo "localhost:$port"
