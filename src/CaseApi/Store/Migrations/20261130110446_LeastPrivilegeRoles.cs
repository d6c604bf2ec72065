using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// Least privilege (docs/operations/security.md): an owner role that holds the schema and a serving role that may
    /// only use it; the database stamps audit events; key names are unique.
    /// </summary>
    public partial class LeastPrivilegeRoles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Names made twice by parallel creates before this index existed: keep the oldest, suffix the others.
            migrationBuilder.Sql("""
                UPDATE api_keys k SET name = left(k.name, 190) || '-' || left(k.id::text, 8)
                WHERE EXISTS (SELECT FROM api_keys o WHERE o.name = k.name AND (o.created_at, o.id) < (k.created_at, k.id));
                """);
            migrationBuilder.CreateIndex(
                name: "ix_api_keys_name",
                table: "api_keys",
                column: "name",
                unique: true);

            migrationBuilder.Sql("""
                -- The two group roles; the migrating user needs CREATEROLE only the first time (an operator may create them).
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN CREATE ROLE caseapi_owner NOLOGIN; END IF;
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN CREATE ROLE caseapi_service NOLOGIN; END IF;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN
                    NULL; -- another database's migration created it at the same moment
                END $$;

                -- The owner owns every table and function (a superuser migrating hands them over; the owner migrating owns them already).
                DO $$
                DECLARE object record;
                BEGIN
                    FOR object IN SELECT c.oid::regclass AS name FROM pg_class c
                        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
                          AND pg_get_userbyid(c.relowner) <> 'caseapi_owner'
                    LOOP
                        EXECUTE format('ALTER TABLE %s OWNER TO caseapi_owner', object.name);
                    END LOOP;
                    FOR object IN SELECT p.oid::regprocedure AS name FROM pg_proc p
                        WHERE p.pronamespace = 'public'::regnamespace AND pg_get_userbyid(p.proowner) <> 'caseapi_owner'
                    LOOP
                        EXECUTE format('ALTER ROUTINE %s OWNER TO caseapi_owner', object.name);
                    END LOOP;
                END $$;

                -- The serving role may use the schema, not change it; nobody else may do either.
                REVOKE ALL ON SCHEMA public FROM PUBLIC;
                GRANT USAGE ON SCHEMA public TO caseapi_service;
                GRANT USAGE, CREATE ON SCHEMA public TO caseapi_owner;
                REVOKE ALL ON ALL TABLES IN SCHEMA public FROM caseapi_service;

                GRANT SELECT, INSERT, UPDATE, DELETE ON cases, sectors, sponsors, policy_documents, policy_document_sectors, source_lists, imports
                    TO caseapi_service;
                -- The audit trail is append-only for the service: it can add and read rows, never change or remove them.
                GRANT SELECT, INSERT ON audit_events TO caseapi_service;
                DO $$ BEGIN EXECUTE format('GRANT USAGE ON SEQUENCE %s TO caseapi_service', pg_get_serial_sequence('audit_events', 'id')); END $$;
                -- Keys: created and revoked by the service; a key's role, hash or name is never changed after creation.
                GRANT SELECT, INSERT ON api_keys TO caseapi_service;
                GRANT UPDATE (revoked_at) ON api_keys TO caseapi_service;
                -- Readiness compares the applied migrations with the built ones.
                GRANT SELECT ON __ef_migrations_history TO caseapi_service;

                -- The database, not the caller, says when an audit event happened.
                CREATE FUNCTION audit_events_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.occurred_at := now();
                    RETURN NEW;
                END $$;
                ALTER FUNCTION audit_events_stamp() OWNER TO caseapi_owner;
                CREATE TRIGGER audit_events_stamp BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_stamp();

                -- The bootstrap key was listed with the first characters of the operator's own secret.
                UPDATE api_keys SET prefix = '(bootstrap)' WHERE created_by = 'system' AND name LIKE 'bootstrap-admin%';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The roles stay (they are per server and other databases may use them); their grants here go.
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS audit_events_stamp ON audit_events;
                DROP FUNCTION IF EXISTS audit_events_stamp();
                REVOKE ALL ON ALL TABLES IN SCHEMA public FROM caseapi_service;
                REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM caseapi_service;
                REVOKE ALL ON SCHEMA public FROM caseapi_service;
                """);
            migrationBuilder.DropIndex(
                name: "ix_api_keys_name",
                table: "api_keys");
        }
    }
}
