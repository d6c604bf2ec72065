using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// Reproducible reads (docs/guides/history.md): functions that rebuild the cases, the reference tables and the policy
    /// mapping as they were at a history position, and the releases table of named positions people cite. A rebuilt row is
    /// the last history entry of its key at or before the position, unless that entry is a delete; it comes back as the
    /// table's own row type, so a query reads <c>cases_as_of(p) c</c> exactly as it reads <c>cases c</c>.
    /// The table stays out of the EF model; releases are history too, so each one is in the hash chain.
    /// </summary>
    [DbContext(typeof(CaseDbContext))]
    [Migration("20261130170000_Releases")]
    public partial class Releases : Migration
    {
        /// <summary>The tables rebuilt as of a position and their entity names in the history (ReleaseMaps redefines them too).</summary>
        internal static readonly (string Table, string Entity)[] Rebuilt =
        [
            ("sectors", "sector"),
            ("sponsors", "sponsor"),
            ("source_lists", "source-list"),
            ("policy_documents", "policy-document"),
            ("policy_document_sectors", "policy-document-sector"),
        ];

        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                -- An as-of read scans one entity's entries, not the whole history.
                CREATE INDEX ix_history_entries_entity_key ON history_entries (entity, key);

                CREATE FUNCTION history_rows_as_of(of_entity text, at_position bigint) RETURNS SETOF jsonb
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT l.row FROM (
                        SELECT DISTINCT ON (e.key) e.action, e.row
                        FROM history_entries e JOIN history_commits k ON k.xid = e.xid
                        WHERE e.entity = of_entity AND k.position <= at_position
                        ORDER BY e.key, k.position DESC, e.id DESC) l
                    WHERE l.action <> 'delete'
                $$;

                -- The history keeps a case without its search vector (it is generated), and it stays NULL here: recomputing it
                -- for every row tripled the cost of every as-of read, so q= as of a position computes it for the rows it tests.
                CREATE FUNCTION cases_as_of(at_position bigint) RETURNS SETOF cases
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT r.* FROM history_rows_as_of('case', at_position) j CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, j) r
                $$;

                -- One case by id or slug: only the entries of the keys that ever had that id or slug, through the indexes.
                CREATE INDEX ix_history_entries_entity_slug ON history_entries (entity, slug) WHERE slug IS NOT NULL;
                CREATE FUNCTION cases_as_of(at_position bigint, id_or_slug text) RETURNS SETOF cases
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT r.* FROM (
                        SELECT DISTINCT ON (e.key) e.action, e.row
                        FROM history_entries e JOIN history_commits k ON k.xid = e.xid
                        WHERE e.entity = 'case' AND k.position <= at_position
                          AND e.key IN (SELECT h.key FROM history_entries h WHERE h.entity = 'case' AND (h.key = id_or_slug OR h.slug = id_or_slug))
                        ORDER BY e.key, k.position DESC, e.id DESC) l
                    CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, l.row) r
                    WHERE l.action <> 'delete' AND (r.id::text = id_or_slug OR r.slug = id_or_slug)
                $$;
                """);

            foreach (var (table, entity) in Rebuilt)
            {
                migrationBuilder.Sql($"""
                    CREATE FUNCTION {table}_as_of(at_position bigint) RETURNS SETOF {table}
                    LANGUAGE sql STABLE PARALLEL SAFE AS $$
                        SELECT r.* FROM history_rows_as_of('{entity}', at_position) j CROSS JOIN LATERAL jsonb_populate_record(NULL::{table}, j) r
                    $$;
                    """);
            }

            migrationBuilder.Sql("""
                -- aligned_policies(text[]) over the mapping as it was.
                CREATE FUNCTION aligned_policies_as_of(sectors text[], at_position bigint) RETURNS text[]
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT coalesce(array_agg(DISTINCT m.policy_code ORDER BY m.policy_code), '{}')
                    FROM policy_document_sectors_as_of(at_position) m
                    WHERE m.sector_code = ANY(sectors)
                $$;

                CREATE TABLE releases (
                    name text PRIMARY KEY CHECK (name ~ '^[a-z0-9]+([.-][a-z0-9]+)*$' AND length(name) <= 100),
                    description text NOT NULL CHECK (length(description) <= 2000),
                    position bigint NOT NULL CHECK (position >= 0),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    created_by uuid NOT NULL REFERENCES api_keys (id));
                CREATE INDEX ix_releases_created_at_name ON releases (created_at, name);

                CREATE TRIGGER history_insert AFTER INSERT ON releases
                    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION history_capture('release', 'r.name', 'NULL', 'to_jsonb(r)', 'true');
                CREATE TRIGGER history_update AFTER UPDATE ON releases
                    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION history_capture('release', 'r.name', 'NULL', 'to_jsonb(r)', 'true');
                CREATE TRIGGER history_delete AFTER DELETE ON releases
                    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION history_capture('release', 'r.name', 'NULL', 'to_jsonb(r)', 'true');

                DO $$
                DECLARE
                    object record;
                    has_owner boolean := EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner');
                    has_service boolean := EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service');
                BEGIN
                    IF has_owner THEN ALTER TABLE releases OWNER TO caseapi_owner; END IF;
                    -- A release is never changed or removed by the service: a citation must keep meaning the same thing.
                    IF has_service THEN GRANT SELECT, INSERT ON releases TO caseapi_service; END IF;
                    FOR object IN SELECT p.oid::regprocedure AS name FROM pg_proc p
                        WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE '%\_as\_of'
                    LOOP
                        IF has_owner THEN EXECUTE format('ALTER ROUTINE %s OWNER TO caseapi_owner', object.name); END IF;
                        IF has_service THEN EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO caseapi_service', object.name); END IF;
                    END LOOP;
                END $$;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS releases;
                DROP FUNCTION IF EXISTS aligned_policies_as_of(text[], bigint);
                DROP FUNCTION IF EXISTS cases_as_of(bigint);
                DROP FUNCTION IF EXISTS cases_as_of(bigint, text);
                DROP INDEX IF EXISTS ix_history_entries_entity_slug;
                """);
            foreach (var (table, _) in Rebuilt)
            {
                migrationBuilder.Sql($"DROP FUNCTION IF EXISTS {table}_as_of(bigint);");
            }
            migrationBuilder.Sql("""
                DROP FUNCTION IF EXISTS history_rows_as_of(text, bigint);
                DROP INDEX IF EXISTS ix_history_entries_entity_key;
                """);
        }
    }
}
