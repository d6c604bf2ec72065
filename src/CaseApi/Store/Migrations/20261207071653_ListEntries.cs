using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <inheritdoc />
    public partial class ListEntries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner, caseapi_owner, may create it.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");

            migrationBuilder.CreateTable(
                name: "linkage_case_keys",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_version = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<char>(type: "char(1)", nullable: false),
                    value = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_case_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_linkage_case_keys_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "linkage_model",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    model = table.Column<string>(type: "jsonb", nullable: false),
                    pairs = table.Column<int>(type: "integer", nullable: false),
                    fitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_model", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "list_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    list_code = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    reference = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    row_number = table.Column<int>(type: "integer", nullable: false),
                    raw = table.Column<string>(type: "jsonb", nullable: false),
                    names = table.Column<string>(type: "text", nullable: true),
                    entry_date = table.Column<DateOnly>(type: "date", nullable: true),
                    entry_date_precision = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    headline = table.Column<string>(type: "text", nullable: true),
                    places = table.Column<string>(type: "text", nullable: true),
                    name_keys = table.Column<string[]>(type: "text[]", nullable: false),
                    uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_list_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_list_entries_source_lists_list_code",
                        column: x => x.list_code,
                        principalTable: "source_lists",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "list_mappings",
                columns: table => new
                {
                    list_code = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    names = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    date = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    headline = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    places = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    name_order = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_list_mappings", x => x.list_code);
                    table.ForeignKey(
                        name: "fk_list_mappings_source_lists_list_code",
                        column: x => x.list_code,
                        principalTable: "source_lists",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "list_entry_candidates",
                columns: table => new
                {
                    entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name_level = table.Column<short>(type: "smallint", nullable: false),
                    date_level = table.Column<short>(type: "smallint", nullable: false),
                    title_level = table.Column<short>(type: "smallint", nullable: false),
                    place_level = table.Column<short>(type: "smallint", nullable: false),
                    reference_level = table.Column<short>(type: "smallint", nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: false),
                    decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    match_method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    decided_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    threshold = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_list_entry_candidates", x => new { x.entry_id, x.case_id });
                    table.ForeignKey(
                        name: "fk_list_entry_candidates_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_list_entry_candidates_list_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "list_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_linkage_case_keys_case_id",
                table: "linkage_case_keys",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "ix_list_entries_list_code_reference",
                table: "list_entries",
                columns: new[] { "list_code", "reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_list_entry_candidates_case_id",
                table: "list_entry_candidates",
                column: "case_id");

            migrationBuilder.Sql("""
                -- The blocker's index: name forms by trigram similarity (the % operator), references by equality.
                CREATE INDEX ix_linkage_case_keys_names ON linkage_case_keys USING gin (value gin_trgm_ops) WHERE kind = 'n';
                CREATE INDEX ix_linkage_case_keys_references ON linkage_case_keys (value) WHERE kind = 'r';
                GRANT SELECT, INSERT, UPDATE, DELETE ON list_entries, list_entry_candidates, list_mappings, linkage_case_keys, linkage_model
                    TO caseapi_service;
                DO $$ BEGIN EXECUTE format('GRANT USAGE ON SEQUENCE %s TO caseapi_service', pg_get_serial_sequence('linkage_case_keys', 'id')); END $$;
                DO $$
                DECLARE t text;
                BEGIN
                    FOREACH t IN ARRAY ARRAY['list_entries', 'list_entry_candidates', 'list_mappings', 'linkage_case_keys', 'linkage_model'] LOOP
                        IF pg_get_userbyid((SELECT relowner FROM pg_class WHERE oid = t::regclass)) <> 'caseapi_owner' THEN
                            EXECUTE format('ALTER TABLE %I OWNER TO caseapi_owner', t);
                        END IF;
                    END LOOP;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "linkage_case_keys");

            migrationBuilder.DropTable(
                name: "linkage_model");

            migrationBuilder.DropTable(
                name: "list_entry_candidates");

            migrationBuilder.DropTable(
                name: "list_mappings");

            migrationBuilder.DropTable(
                name: "list_entries");
        }
    }
}
