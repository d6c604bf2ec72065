using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace CaseApi.Store.Migrations
{
    /// <inheritdoc />
    public partial class InitialCaseStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Full-text document of a case, used by the stored generated column cases.search_vector. A function
            // so that the expression is IMMUTABLE (array_to_string alone is only STABLE, which generated columns refuse).
            migrationBuilder.Sql("""
                CREATE FUNCTION cases_search_vector(title text, summary text, defendants text[], victims text[])
                RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
                        || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(defendants, ' '), '')), 'A')
                        || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(victims, ' '), '')), 'B')
                        || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'C')
                $$;
                """);

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    secret_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    entity_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    entity_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    request_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    import_id = table.Column<Guid>(type: "uuid", nullable: true),
                    changes = table.Column<JsonDocument>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "imports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    format = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    dry_run = table.Column<bool>(type: "boolean", nullable: false),
                    atomic = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    received = table.Column<int>(type: "integer", nullable: false),
                    created = table.Column<int>(type: "integer", nullable: false),
                    updated = table.Column<int>(type: "integer", nullable: false),
                    unchanged = table.Column<int>(type: "integer", nullable: false),
                    rejected = table.Column<int>(type: "integer", nullable: false),
                    errors = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    duration_ms = table.Column<long>(type: "bigint", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    body_hash = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_imports", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "policy_documents",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    year = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_policy_documents", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "sectors",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sectors", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "source_lists",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    publisher = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    coverage_from = table.Column<int>(type: "integer", nullable: true),
                    coverage_to = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_source_lists", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "sponsors",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    parent_code = table.Column<string>(type: "character varying(60)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sponsors", x => x.code);
                    table.ForeignKey(
                        name: "fk_sponsors_sponsors_parent_code",
                        column: x => x.parent_code,
                        principalTable: "sponsors",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "policy_document_sectors",
                columns: table => new
                {
                    policy_code = table.Column<string>(type: "character varying(60)", nullable: false),
                    sector_code = table.Column<string>(type: "character varying(60)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_policy_document_sectors", x => new { x.policy_code, x.sector_code });
                    table.ForeignKey(
                        name: "fk_policy_document_sectors_policy_documents_policy_code",
                        column: x => x.policy_code,
                        principalTable: "policy_documents",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_policy_document_sectors_sectors_sector_code",
                        column: x => x.sector_code,
                        principalTable: "sectors",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "cases",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    summary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    activity_types = table.Column<string[]>(type: "text[]", nullable: false),
                    tradecraft = table.Column<string[]>(type: "text[]", nullable: false),
                    sponsor_code = table.Column<string>(type: "character varying(60)", nullable: true),
                    sponsor_confidence = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    collector_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    collector_citizenship = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    defendants = table.Column<string[]>(type: "text[]", nullable: false),
                    sectors = table.Column<string[]>(type: "text[]", nullable: false),
                    victim_types = table.Column<string[]>(type: "text[]", nullable: false),
                    victims = table.Column<string[]>(type: "text[]", nullable: false),
                    us_states = table.Column<string[]>(type: "text[]", nullable: false),
                    venue = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    activity_start = table.Column<DateOnly>(type: "date", nullable: true),
                    activity_start_precision = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    activity_end = table.Column<DateOnly>(type: "date", nullable: true),
                    activity_end_precision = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    charged_on = table.Column<DateOnly>(type: "date", nullable: true),
                    charged_on_precision = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    resolved_on = table.Column<DateOnly>(type: "date", nullable: true),
                    resolved_on_precision = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    outcome = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    sentence_months = table.Column<int>(type: "integer", nullable: true),
                    fine_usd = table.Column<decimal>(type: "numeric", nullable: true),
                    loss_usd = table.Column<decimal>(type: "numeric", nullable: true),
                    sources = table.Column<string>(type: "jsonb", nullable: false),
                    tags = table.Column<string[]>(type: "text[]", nullable: false),
                    listed_in = table.Column<string[]>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: true, computedColumnSql: "cases_search_vector(title, summary, defendants, victims)", stored: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cases", x => x.id);
                    table.ForeignKey(
                        name: "fk_cases_sponsors_sponsor_code",
                        column: x => x.sponsor_code,
                        principalTable: "sponsors",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "policy_documents",
                columns: new[] { "code", "description", "name", "year" },
                values: new object[,]
                {
                    { "fyp13-sei", "State Council plan for strategic emerging industries, 2016-2020.", "13th Five-Year Plan for Strategic Emerging Industries", 2016 },
                    { "mic2025", "State Council plan to upgrade Chinese manufacturing in ten priority sectors.", "Made in China 2025", 2015 },
                    { "space2050", "Chinese Academy of Sciences roadmap for space science and technology.", "Space Science & Technology in China: A Roadmap to 2050", 2009 }
                });

            migrationBuilder.InsertData(
                table: "sectors",
                columns: new[] { "code", "description", "name" },
                values: new object[,]
                {
                    { "aerospace", "Aircraft, engines, avionics and their materials.", "Aerospace" },
                    { "agriculture", "Seeds, agricultural machinery and food technology.", "Agriculture" },
                    { "automotive", "Vehicles, including new-energy vehicles.", "Automotive" },
                    { "biomedical", "Pharmaceuticals, medical devices and biotechnology.", "Biomedical" },
                    { "defense", "Military systems and national-defence information.", "Defense" },
                    { "energy", "Power generation, oil and gas, batteries and grid technology.", "Energy" },
                    { "government", "Government information and officials.", "Government" },
                    { "information-technology", "Software, computing and networking.", "Information technology" },
                    { "maritime", "Ships, marine engineering and undersea technology.", "Maritime" },
                    { "new-materials", "Advanced materials, composites and chemicals.", "New materials" },
                    { "nuclear", "Civil nuclear power and nuclear technology.", "Nuclear" },
                    { "personal-data", "Bulk personal information about US persons.", "Personal data" },
                    { "rail", "Rail transport equipment.", "Rail" },
                    { "robotics", "Robots and advanced manufacturing tools.", "Robotics" },
                    { "semiconductors", "Chips, chip design and fabrication equipment.", "Semiconductors" },
                    { "space", "Satellites, launchers and space science.", "Space" },
                    { "telecommunications", "Telecom equipment and networks.", "Telecommunications" }
                });

            migrationBuilder.InsertData(
                table: "source_lists",
                columns: new[] { "code", "coverage_from", "coverage_to", "description", "name", "publisher" },
                values: new object[,]
                {
                    { "csis-survey", 2000, null, null, "Survey of Chinese espionage in the United States since 2000", "Center for Strategic and International Studies" },
                    { "doj-press-releases", null, null, null, "US Department of Justice press releases", "US Department of Justice" },
                    { "eftimiades-2020", null, 2020, null, "Chinese espionage operations and tactics (595 cases)", "Nicholas Eftimiades" },
                    { "mit-tr-china-initiative", 2018, 2022, null, "China Initiative database", "MIT Technology Review" },
                    { "news-media", null, null, null, "News media reports", "Various" }
                });

            migrationBuilder.InsertData(
                table: "sponsors",
                columns: new[] { "code", "description", "name", "parent_code", "type" },
                values: new object[,]
                {
                    { "mss", null, "Ministry of State Security", null, "intelligence-service" },
                    { "pla", null, "People's Liberation Army", null, "military" },
                    { "prc-government-unspecified", null, "PRC government (unspecified)", null, "government" },
                    { "prc-intelligence-unspecified", null, "PRC intelligence service (unspecified)", null, "intelligence-service" },
                    { "prc-university", null, "PRC university", null, "university" },
                    { "private-company", null, "PRC private company", null, "private-company" },
                    { "soe", null, "State-owned enterprise", null, "state-owned-enterprise" },
                    { "talent-program", null, "PRC talent program", null, "government" },
                    { "ufwd", null, "United Front Work Department", null, "party-organization" }
                });

            migrationBuilder.InsertData(
                table: "policy_document_sectors",
                columns: new[] { "policy_code", "sector_code" },
                values: new object[,]
                {
                    { "fyp13-sei", "aerospace" },
                    { "fyp13-sei", "automotive" },
                    { "fyp13-sei", "biomedical" },
                    { "fyp13-sei", "energy" },
                    { "fyp13-sei", "information-technology" },
                    { "fyp13-sei", "new-materials" },
                    { "fyp13-sei", "nuclear" },
                    { "fyp13-sei", "robotics" },
                    { "fyp13-sei", "semiconductors" },
                    { "fyp13-sei", "telecommunications" },
                    { "mic2025", "aerospace" },
                    { "mic2025", "agriculture" },
                    { "mic2025", "automotive" },
                    { "mic2025", "biomedical" },
                    { "mic2025", "energy" },
                    { "mic2025", "information-technology" },
                    { "mic2025", "maritime" },
                    { "mic2025", "new-materials" },
                    { "mic2025", "rail" },
                    { "mic2025", "robotics" },
                    { "mic2025", "semiconductors" },
                    { "mic2025", "telecommunications" },
                    { "space2050", "aerospace" },
                    { "space2050", "space" }
                });

            migrationBuilder.InsertData(
                table: "sponsors",
                columns: new[] { "code", "description", "name", "parent_code", "type" },
                values: new object[,]
                {
                    { "cmc-jsd-ib", null, "Central Military Commission Joint Staff Department Intelligence Bureau", "pla", "military" },
                    { "mss-hainan", null, "MSS Hainan State Security Department", "mss", "intelligence-service" },
                    { "mss-jssd", null, "MSS Jiangsu State Security Department", "mss", "intelligence-service" },
                    { "mss-shanghai", null, "MSS Shanghai State Security Bureau", "mss", "intelligence-service" },
                    { "mss-tianjin", null, "MSS Tianjin State Security Bureau", "mss", "intelligence-service" },
                    { "pla-54th-ri", null, "PLA 54th Research Institute", "pla", "military" },
                    { "pla-air-force", null, "PLA Air Force", "pla", "military" },
                    { "pla-unit-61398", null, "PLA Unit 61398", "pla", "military" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_secret_hash",
                table: "api_keys",
                column: "secret_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_actor",
                table: "audit_events",
                column: "actor");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_entity_type_entity_id_id",
                table: "audit_events",
                columns: new[] { "entity_type", "entity_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_import_id",
                table: "audit_events",
                column: "import_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_occurred_at",
                table: "audit_events",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "ix_cases_activity_start_id",
                table: "cases",
                columns: new[] { "activity_start", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_activity_types",
                table: "cases",
                column: "activity_types")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_cases_charged_on_id",
                table: "cases",
                columns: new[] { "charged_on", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_collector_type",
                table: "cases",
                column: "collector_type");

            migrationBuilder.CreateIndex(
                name: "ix_cases_created_at_id",
                table: "cases",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_listed_in",
                table: "cases",
                column: "listed_in")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_cases_outcome",
                table: "cases",
                column: "outcome");

            migrationBuilder.CreateIndex(
                name: "ix_cases_resolved_on_id",
                table: "cases",
                columns: new[] { "resolved_on", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_search_vector",
                table: "cases",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_cases_sectors",
                table: "cases",
                column: "sectors")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_cases_slug",
                table: "cases",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_sponsor_code",
                table: "cases",
                column: "sponsor_code");

            migrationBuilder.CreateIndex(
                name: "ix_cases_tags",
                table: "cases",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_cases_title_id",
                table: "cases",
                columns: new[] { "title", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_tradecraft",
                table: "cases",
                column: "tradecraft")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_cases_updated_at_id",
                table: "cases",
                columns: new[] { "updated_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_us_states",
                table: "cases",
                column: "us_states")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_imports_idempotency_key",
                table: "imports",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_imports_started_at_id",
                table: "imports",
                columns: new[] { "started_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_policy_document_sectors_sector_code",
                table: "policy_document_sectors",
                column: "sector_code");

            migrationBuilder.CreateIndex(
                name: "ix_sponsors_parent_code",
                table: "sponsors",
                column: "parent_code");

            // Policy alignment is derived from the editable mapping at query time, never stored per case.
            migrationBuilder.Sql("""
                CREATE FUNCTION aligned_policies(sectors text[])
                RETURNS text[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT coalesce(array_agg(DISTINCT m.policy_code ORDER BY m.policy_code), '{}')
                    FROM policy_document_sectors m
                    WHERE m.sector_code = ANY(sectors)
                $$;
                """);

            // The audit trail is append-only: the database itself refuses to change or remove its rows.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
                    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
                CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS aligned_policies(text[]);");
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "cases");

            migrationBuilder.DropTable(
                name: "imports");

            migrationBuilder.DropTable(
                name: "policy_document_sectors");

            migrationBuilder.DropTable(
                name: "source_lists");

            migrationBuilder.DropTable(
                name: "sponsors");

            migrationBuilder.DropTable(
                name: "policy_documents");

            migrationBuilder.DropTable(
                name: "sectors");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_events_append_only();");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS cases_search_vector(text, text, text[], text[]);");
        }
    }
}
