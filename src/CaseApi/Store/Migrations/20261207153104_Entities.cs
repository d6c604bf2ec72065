using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// People and organisations (issue 36): the entities table and the case links by role, both captured by the history and
    /// rebuilt as of a position like cases. Every name the cases already hold as a defendant or victim becomes an entity
    /// (one per distinct name, as written) linked to its cases; the service keys them by the name normalisation at its next
    /// start (EntityKeys), since that normalisation is code, not SQL.
    /// </summary>
    public partial class Entities : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "entities",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    aliases = table.Column<string[]>(type: "text[]", nullable: false),
                    identifiers = table.Column<string>(type: "jsonb", nullable: false),
                    country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    sources = table.Column<string[]>(type: "text[]", nullable: false),
                    match_keys = table.Column<string[]>(type: "text[]", nullable: false),
                    merged_into = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_entities", x => x.id);
                    table.ForeignKey(
                        name: "fk_entities_entities_merged_into",
                        column: x => x.merged_into,
                        principalTable: "entities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "case_entities",
                columns: table => new
                {
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    entity_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_case_entities", x => new { x.case_id, x.role, x.entity_id });
                    table.ForeignKey(
                        name: "fk_case_entities_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_case_entities_entities_entity_id",
                        column: x => x.entity_id,
                        principalTable: "entities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_case_entities_entity_id_role",
                table: "case_entities",
                columns: new[] { "entity_id", "role" });

            migrationBuilder.CreateIndex(
                name: "ix_entities_match_keys",
                table: "entities",
                column: "match_keys")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_entities_merged_into",
                table: "entities",
                column: "merged_into");

            migrationBuilder.CreateIndex(
                name: "ix_entities_name_id",
                table: "entities",
                columns: new[] { "name", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_entities_slug",
                table: "entities",
                column: "slug",
                unique: true);

            migrationBuilder.Sql("""
                INSERT INTO entities (id, slug, kind, name, aliases, identifiers, sources, match_keys, created_at, updated_at)
                SELECT gen_random_uuid(),
                       n.base || CASE WHEN row_number() OVER (PARTITION BY n.base ORDER BY n.name) > 1
                                      THEN '-' || row_number() OVER (PARTITION BY n.base ORDER BY n.name) ELSE '' END,
                       CASE WHEN n.defendant THEN 'person' ELSE 'other' END, n.name, '{}', '{}', '{}', '{}', now(), now()
                FROM (SELECT w.name, bool_or(w.defendant) AS defendant,
                             coalesce(nullif(left(trim(BOTH '-' FROM lower(regexp_replace(w.name, '[^A-Za-z0-9]+', '-', 'g'))), 100), ''), 'entity') AS base
                      FROM (SELECT left(trim(d), 200) AS name, true AS defendant FROM cases c, unnest(c.defendants) d
                            UNION ALL SELECT left(trim(v), 200), false FROM cases c, unnest(c.victims) v) w
                      WHERE w.name <> '' GROUP BY w.name) n;
                INSERT INTO case_entities (case_id, role, entity_id)
                SELECT DISTINCT c.id, 'defendant', e.id FROM cases c, unnest(c.defendants) d JOIN entities e ON e.name = left(trim(d), 200)
                UNION SELECT DISTINCT c.id, 'victim', e.id FROM cases c, unnest(c.victims) v JOIN entities e ON e.name = left(trim(v), 200);

                CREATE TRIGGER history_insert AFTER INSERT ON entities REFERENCING NEW TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION history_capture('entity', 'r.id::text', 'r.slug', 'to_jsonb(r)', 'true');
                CREATE TRIGGER history_update AFTER UPDATE ON entities REFERENCING NEW TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION history_capture('entity', 'r.id::text', 'r.slug', 'to_jsonb(r)', 'true');
                CREATE TRIGGER history_delete AFTER DELETE ON entities REFERENCING OLD TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION history_capture('entity', 'r.id::text', 'r.slug', 'to_jsonb(r)', 'true');
                CREATE TRIGGER history_insert AFTER INSERT ON case_entities REFERENCING NEW TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION history_capture('case-entity', 'r.case_id::text || ''/'' || r.role || ''/'' || r.entity_id::text', 'NULL', 'to_jsonb(r)', 'true');
                CREATE TRIGGER history_update AFTER UPDATE ON case_entities REFERENCING NEW TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION history_capture('case-entity', 'r.case_id::text || ''/'' || r.role || ''/'' || r.entity_id::text', 'NULL', 'to_jsonb(r)', 'true');
                CREATE TRIGGER history_delete AFTER DELETE ON case_entities REFERENCING OLD TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION history_capture('case-entity', 'r.case_id::text || ''/'' || r.role || ''/'' || r.entity_id::text', 'NULL', 'to_jsonb(r)', 'true');

                -- What the store held before the history captured these tables is its first commit of them.
                INSERT INTO history_entries (entity, key, slug, action, row, hash)
                SELECT 'entity', r.id::text, r.slug, 'create', to_jsonb(r), history_entry_hash('entity', r.id::text, r.slug, 'create', to_jsonb(r))
                FROM entities r ORDER BY r.id;
                INSERT INTO history_entries (entity, key, slug, action, row, hash)
                SELECT 'case-entity', k.key, NULL, 'create', k.content, history_entry_hash('case-entity', k.key, NULL, 'create', k.content)
                FROM (SELECT r.case_id::text || '/' || r.role || '/' || r.entity_id::text AS key, to_jsonb(r) AS content FROM case_entities r) k
                ORDER BY k.key;
                INSERT INTO history_commits (xid) SELECT pg_current_xact_id() WHERE EXISTS (SELECT FROM entities)
                    ON CONFLICT (xid) DO NOTHING;

                CREATE FUNCTION entities_as_of(at_position bigint) RETURNS SETOF entities
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT r.* FROM history_rows_as_of('entity', at_position) j CROSS JOIN LATERAL jsonb_populate_record(NULL::entities, j) r
                $$;
                CREATE FUNCTION case_entities_as_of(at_position bigint) RETURNS SETOF case_entities
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT r.* FROM history_rows_as_of('case-entity', at_position) j CROSS JOIN LATERAL jsonb_populate_record(NULL::case_entities, j) r
                $$;

                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN
                        ALTER TABLE entities OWNER TO caseapi_owner;
                        ALTER TABLE case_entities OWNER TO caseapi_owner;
                        ALTER FUNCTION entities_as_of(bigint) OWNER TO caseapi_owner;
                        ALTER FUNCTION case_entities_as_of(bigint) OWNER TO caseapi_owner;
                    END IF;
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                        GRANT SELECT, INSERT, UPDATE, DELETE ON entities, case_entities TO caseapi_service;
                        GRANT EXECUTE ON FUNCTION entities_as_of(bigint), case_entities_as_of(bigint) TO caseapi_service;
                    END IF;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION IF EXISTS entities_as_of(bigint);
                DROP FUNCTION IF EXISTS case_entities_as_of(bigint);
                """);
            migrationBuilder.DropTable(
                name: "case_entities");

            migrationBuilder.DropTable(
                name: "entities");
        }
    }
}
