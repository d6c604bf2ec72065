using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <inheritdoc />
    public partial class ReviewProposals : Migration
    {
        /// <summary>
        /// HAND-WRITTEN SQL of this migration (issue 39), carried verbatim when the migration is regenerated: the closed values
        /// of kind and status, the owner, and the serving role's grants. The service never deletes a proposal (a decision is a
        /// status), so it gets no DELETE. The table is deliberately not in the history (Store/HistoryRegistry.cs): a proposal is
        /// unpublished, and the change feed and releases show only what is published; decisions reach the history through
        /// their audit rows.
        /// </summary>
        public const string HandWrittenSql = """
            ALTER TABLE proposals ADD CONSTRAINT proposals_kind CHECK (kind IN ('create', 'replace', 'patch', 'delete'));
            ALTER TABLE proposals ADD CONSTRAINT proposals_status CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn'));
            DO $$
            BEGIN
                IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN ALTER TABLE proposals OWNER TO caseapi_owner; END IF;
                IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                    GRANT SELECT, INSERT, UPDATE ON proposals TO caseapi_service;
                END IF;
            END $$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "proposals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: true),
                    slug = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    change = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    base_version = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    author = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    proposed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    decided_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    request_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_proposals", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_proposals_case_id",
                table: "proposals",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "ix_proposals_status_proposed_at",
                table: "proposals",
                columns: new[] { "status", "proposed_at" });

            migrationBuilder.Sql(HandWrittenSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "proposals");
        }
    }
}
