using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <inheritdoc />
    public partial class ListEvidence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "list_evidence",
                table: "cases",
                type: "jsonb",
                nullable: false,
                // Existing cases, and rows written by SQL that predates the column, have no evidence yet.
                defaultValueSql: "'[]'::jsonb");

            // The lists a case's evidence names; IMMUTABLE (it reads only its argument) so a CHECK constraint may call it.
            migrationBuilder.Sql("""
                CREATE FUNCTION case_evidence_lists(evidence jsonb) RETURNS text[]
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                RETURN ARRAY(SELECT e ->> 'list' FROM jsonb_array_elements(evidence) e);
                """);

            migrationBuilder.AddCheckConstraint(
                name: "ck_cases_list_evidence_listed",
                table: "cases",
                sql: "case_evidence_lists(list_evidence) <@ listed_in");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_cases_list_evidence_listed",
                table: "cases");

            migrationBuilder.Sql("DROP FUNCTION case_evidence_lists(jsonb);");

            migrationBuilder.DropColumn(
                name: "list_evidence",
                table: "cases");
        }
    }
}
