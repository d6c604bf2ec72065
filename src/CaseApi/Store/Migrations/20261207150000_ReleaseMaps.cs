using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// Issue 35 (docs/performance.md#reads-of-the-past): reads of a release and the change feed cost what they read, not the
    /// whole history. (1) A release's position is materialised once, when the release is taken, as a map from each case to
    /// its history entry (release_cases: three numbers a case, never a copy of the row); release_maps says which positions
    /// have a complete map, and releases at one position share it. cases_in_release reads the cases through the map.
    /// (2) The change feed walks commits in position order and each commit's entries by (xid, id), so a page costs what it
    /// returns (history_feed_entries); the actor of an entry's commit is found through a small index of the audit entries.
    /// The tables stay out of the EF model and out of the history: a map is derived from the history, and rebuilt from it.
    /// </summary>
    [DbContext(typeof(CaseDbContext))]
    [Migration("20261207150000_ReleaseMaps")]
    public partial class ReleaseMaps : Migration
    {
        /// <summary>The reference tables rebuilt as of a position, as migration Releases made them.</summary>
        private static readonly (string Table, string Entity)[] Rebuilt = Releases.Rebuilt;

        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE release_maps (
                    position bigint PRIMARY KEY CHECK (position >= 0),
                    cases bigint NOT NULL,
                    built_at timestamptz NOT NULL DEFAULT clock_timestamp());
                CREATE TABLE release_cases (
                    position bigint NOT NULL REFERENCES release_maps (position),
                    case_id uuid NOT NULL,
                    entry_id bigint NOT NULL,
                    CONSTRAINT pk_release_cases PRIMARY KEY (position, case_id));

                -- The map of a position: each case's last entry at or before it, unless that entry is a delete. Built once per
                -- position; a second release at the same position (or a concurrent build, which waits on the key) reuses it.
                -- The owner's: the service may read maps and build one, never change one.
                -- Whether a commit after the position changed the entity (a small one: reference data, the mapping): its entries
                -- first (ix_history_entries_entity_key), then each one's commit, never the other way round through a large commit.
                CREATE FUNCTION history_changed_since(of_entity text, at_position bigint) RETURNS boolean
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT EXISTS (SELECT FROM history_entries e
                        WHERE e.entity = of_entity AND (SELECT k.position FROM history_commits k WHERE k.xid = e.xid) > at_position)
                $$;

                -- The mapping as of a position is the current one when nothing changed it since: then aligned_policies, an index
                -- lookup, instead of rebuilding the mapping from the history on every call (twice per case shown).
                CREATE OR REPLACE FUNCTION aligned_policies_as_of(sectors text[], at_position bigint) RETURNS text[]
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT CASE WHEN history_changed_since('policy-document-sector', at_position)
                        THEN (SELECT coalesce(array_agg(DISTINCT m.policy_code ORDER BY m.policy_code), '{}')
                              FROM policy_document_sectors_as_of(at_position) m WHERE m.sector_code = ANY(sectors))
                        ELSE aligned_policies(sectors) END
                $$;

                CREATE FUNCTION release_map_build(at_position bigint) RETURNS bigint
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE
                    mapped bigint;
                BEGIN
                    INSERT INTO release_maps (position, cases) VALUES (at_position, 0) ON CONFLICT (position) DO NOTHING;
                    IF NOT FOUND THEN
                        RETURN (SELECT m.cases FROM release_maps m WHERE m.position = at_position);
                    END IF;
                    INSERT INTO release_cases (position, case_id, entry_id)
                    SELECT at_position, l.key::uuid, l.id FROM (
                        SELECT DISTINCT ON (e.key) e.key, e.id, e.action
                        FROM history_entries e JOIN history_commits k ON k.xid = e.xid
                        WHERE e.entity = 'case' AND k.position <= at_position
                        ORDER BY e.key, k.position DESC, e.id DESC) l
                    WHERE l.action <> 'delete';
                    GET DIAGNOSTICS mapped = ROW_COUNT;
                    UPDATE release_maps SET cases = mapped WHERE position = at_position;
                    RETURN mapped;
                END $$;

                -- The cases of a mapped position, as cases_as_of(position) gives them. A case no commit after the position
                -- changed is its current row (read like any current read, through the table's indexes); only the cases changed
                -- since (found from the commits after the position, so in proportion to them) are decoded from the entry the
                -- map names. Decoding an entry's JSON costs far more than reading the row, which is why a map alone is not enough.
                CREATE FUNCTION cases_in_release(at_position bigint) RETURNS SETOF cases
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    WITH changed AS MATERIALIZED (
                        SELECT DISTINCT e.key::uuid AS id FROM history_commits k JOIN history_entries e ON e.xid = k.xid
                        WHERE k.position > at_position AND e.entity = 'case')
                    SELECT c.* FROM cases c WHERE NOT EXISTS (SELECT FROM changed x WHERE x.id = c.id)
                    UNION ALL
                    SELECT r.* FROM changed x JOIN release_cases m ON m.position = at_position AND m.case_id = x.id
                    JOIN history_entries e ON e.id = m.entry_id
                    CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, e.row) r
                $$;

                -- One case of a mapped position by id (a UUID) or else by slug, with cases_as_of's rule: never both.
                CREATE FUNCTION cases_in_release(at_position bigint, id_or_slug text) RETURNS SETOF cases
                LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
                DECLARE
                    wanted uuid := case_id_of(id_or_slug);
                BEGIN
                    -- Unchanged since the position (its own entries, through (entity, key), then their commits): its current row.
                    IF wanted IS NOT NULL AND NOT EXISTS (SELECT FROM history_entries e
                        WHERE e.entity = 'case' AND e.key = wanted::text
                          AND (SELECT k.position FROM history_commits k WHERE k.xid = e.xid) > at_position) THEN
                        RETURN QUERY SELECT c.* FROM cases c WHERE c.id = wanted;
                    ELSIF wanted IS NOT NULL THEN
                        RETURN QUERY SELECT r.* FROM release_cases m JOIN history_entries e ON e.id = m.entry_id
                            CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, e.row) r
                            WHERE m.position = at_position AND m.case_id = wanted;
                    ELSE
                        RETURN QUERY SELECT r.* FROM release_cases m JOIN history_entries e ON e.id = m.entry_id
                            CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, e.row) r
                            WHERE m.position = at_position
                              AND m.case_id IN (SELECT h.key::uuid FROM history_entries h WHERE h.entity = 'case' AND h.slug = id_or_slug)
                              AND r.slug = id_or_slug;
                    END IF;
                END $$;

                -- The change feed's page: commits in position order from the cursor's, each commit's entries in id order
                -- (ix_history_entries_xid_id), until the page is full. Never a sort of everything after the cursor, and never a
                -- rescan of a large commit from its start. STABLE: every query inside sees the calling statement's snapshot, so
                -- a page still holds a prefix of the positions.
                CREATE FUNCTION history_feed_entries(after_position bigint, after_entry bigint, page_size integer, entities text[])
                RETURNS TABLE (commit_position bigint, entry_id bigint)
                LANGUAGE plpgsql STABLE AS $$
                DECLARE
                    c record;
                    taken integer := 0;
                    found_now integer;
                BEGIN
                    FOR c IN SELECT k.position, k.xid FROM history_commits k WHERE k.position >= after_position ORDER BY k.position LOOP
                        RETURN QUERY SELECT c.position, e.id FROM history_entries e
                            WHERE e.xid = c.xid AND e.id > CASE WHEN c.position = after_position THEN after_entry ELSE 0 END
                              AND e.entity = ANY(entities)
                            ORDER BY e.id LIMIT page_size - taken;
                        GET DIAGNOSTICS found_now = ROW_COUNT;
                        taken := taken + found_now;
                        EXIT WHEN taken >= page_size;
                    END LOOP;
                END $$;

                -- A change's actor is the first audit row of its commit: found by seek, not by scanning a large commit's entries.
                CREATE INDEX ix_history_entries_audit_xid_id ON history_entries (xid, id) WHERE entity = 'audit';

                SELECT release_map_build(p.position) FROM (SELECT DISTINCT position FROM releases) p;
                """);

            // A reference table no commit after the position changed is the current table (the usual case for a release or a
            // recent position): read it, instead of rebuilding it from the history in every statement that names it.
            foreach (var (table, entity) in Rebuilt)
            {
                migrationBuilder.Sql($$"""
                    CREATE OR REPLACE FUNCTION {{table}}_as_of(at_position bigint) RETURNS SETOF {{table}}
                    LANGUAGE sql STABLE PARALLEL SAFE AS $$
                        SELECT t.* FROM {{table}} t WHERE NOT history_changed_since('{{entity}}', at_position)
                        UNION ALL
                        SELECT r.* FROM history_rows_as_of('{{entity}}', at_position) j
                        CROSS JOIN LATERAL jsonb_populate_record(NULL::{{table}}, j) r
                        WHERE history_changed_since('{{entity}}', at_position)
                    $$;
                    """);
            }

            migrationBuilder.Sql("""

                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN
                        ALTER TABLE release_maps OWNER TO caseapi_owner;
                        ALTER TABLE release_cases OWNER TO caseapi_owner;
                        ALTER FUNCTION release_map_build(bigint) OWNER TO caseapi_owner;
                        ALTER FUNCTION cases_in_release(bigint) OWNER TO caseapi_owner;
                        ALTER FUNCTION cases_in_release(bigint, text) OWNER TO caseapi_owner;
                        ALTER FUNCTION history_feed_entries(bigint, bigint, integer, text[]) OWNER TO caseapi_owner;
                        ALTER FUNCTION history_changed_since(text, bigint) OWNER TO caseapi_owner;
                    END IF;
                    -- A map is never changed or removed by the service (a citation keeps meaning the same thing); it is built only
                    -- through release_map_build.
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                        GRANT SELECT ON release_maps, release_cases TO caseapi_service;
                        GRANT EXECUTE ON FUNCTION release_map_build(bigint), cases_in_release(bigint), cases_in_release(bigint, text),
                            history_feed_entries(bigint, bigint, integer, text[]), history_changed_since(text, bigint) TO caseapi_service;
                    END IF;
                END $$;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS ix_history_entries_audit_xid_id;
                DROP FUNCTION IF EXISTS history_feed_entries(bigint, bigint, integer, text[]);
                DROP FUNCTION IF EXISTS cases_in_release(bigint, text);
                DROP FUNCTION IF EXISTS cases_in_release(bigint);
                DROP FUNCTION IF EXISTS release_map_build(bigint);
                CREATE OR REPLACE FUNCTION aligned_policies_as_of(sectors text[], at_position bigint) RETURNS text[]
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT coalesce(array_agg(DISTINCT m.policy_code ORDER BY m.policy_code), '{}')
                    FROM policy_document_sectors_as_of(at_position) m
                    WHERE m.sector_code = ANY(sectors)
                $$;
                """);
            foreach (var (table, entity) in Rebuilt)
            {
                migrationBuilder.Sql($$"""
                    CREATE OR REPLACE FUNCTION {{table}}_as_of(at_position bigint) RETURNS SETOF {{table}}
                    LANGUAGE sql STABLE PARALLEL SAFE AS $$
                        SELECT r.* FROM history_rows_as_of('{{entity}}', at_position) j CROSS JOIN LATERAL jsonb_populate_record(NULL::{{table}}, j) r
                    $$;
                    """);
            }
            migrationBuilder.Sql("""
                DROP FUNCTION IF EXISTS history_changed_since(text, bigint);
                DROP TABLE IF EXISTS release_cases, release_maps;
                """);
        }
    }
}
