#!/bin/sh
# Back up Älykylä-mittaristo: the database with pg_dump (PostgreSQL) or SQLite's own online backup, and the
# app's xlsx export (readable in a spreadsheet, restorable with `python -m indicator restore`). Run by
# alykyla-backup.service every night; by hand from the checkout, as the app's user:
#   ALYKYLA_BACKUP_DIR=/var/backups/alykyla deploy/backup.sh
# Keeps ALYKYLA_BACKUP_DAYS days (default 30). Prints one line per file written; any failure exits non-zero.
set -eu
dir=${ALYKYLA_BACKUP_DIR:-/var/backups/alykyla}
days=${ALYKYLA_BACKUP_DAYS:-30}
python=${ALYKYLA_PYTHON:-python3}
url=${DATABASE_URL:?DATABASE_URL is not set}
stamp=$(date -u +%Y%m%d-%H%M%S)
umask 077
mkdir -p "$dir"

case "$url" in
  postgres://*|postgresql://*|postgresql+psycopg://*)
    # libpq does not know SQLAlchemy's "+driver" part
    pg_dump --format=custom --no-owner --file "$dir/alykyla-$stamp.dump" "$(printf '%s' "$url" | sed 's/^postgresql+psycopg:/postgresql:/')"
    echo "backup: $dir/alykyla-$stamp.dump"
    ;;
  sqlite:///*)
    db=${url#sqlite:///}
    "$python" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))' \
      "$db" "$dir/alykyla-$stamp.db"
    echo "backup: $dir/alykyla-$stamp.db"
    ;;
  *)
    echo "backup: unknown database URL: ${url%%:*}:..." >&2
    exit 2
    ;;
esac

"$python" -m indicator export --output "$dir/alykyla-$stamp.xlsx" >/dev/null
echo "backup: $dir/alykyla-$stamp.xlsx"

find "$dir" -maxdepth 1 -name 'alykyla-*' -type f -mtime "+$days" -delete
