#!/bin/sh
# First start of the compose database only: the schema owner Flyway migrates as, and the application's role,
# neither a superuser (README, "Database roles"). Runs as POSTGRES_USER in the POSTGRES_DB database.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v owner_pw="$HISTOSCOPE_DB_OWNER_PASSWORD" -v app_pw="$HISTOSCOPE_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE histoscope_owner LOGIN PASSWORD :'owner_pw' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE histoscope_app LOGIN PASSWORD :'app_pw' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
ALTER DATABASE histoscope OWNER TO histoscope_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO histoscope_owner;
GRANT USAGE ON SCHEMA public TO histoscope_app;
SQL
