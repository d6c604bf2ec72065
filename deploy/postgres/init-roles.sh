#!/bin/sh
# Runs once, when the compose PostgreSQL volume is first initialised (/docker-entrypoint-initdb.d): the two login
# roles of docs/operations/security.md and the database, owned by the owner role. The migration grants the rest.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$CASEAPI_OWNER_PASSWORD" -v service_password="$CASEAPI_SERVICE_PASSWORD" <<'SQL'
CREATE ROLE caseapi_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE caseapi_service LOGIN PASSWORD :'service_password';
CREATE DATABASE caseapi OWNER caseapi_owner;
SQL
