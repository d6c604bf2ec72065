using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <inheritdoc />
    public partial class EntityMatchKeysWithoutPendingList : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Rebuilt rather than altered: ALTER INDEX ... SET (fastupdate = off) would leave the entries already pending in
            // the list (docs/performance.md, "The entities' match-key index").
            migrationBuilder.DropIndex(
                name: "ix_entities_match_keys",
                table: "entities");

            migrationBuilder.CreateIndex(
                name: "ix_entities_match_keys",
                table: "entities",
                column: "match_keys")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:StorageParameter:fastupdate", false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_entities_match_keys",
                table: "entities");

            migrationBuilder.CreateIndex(
                name: "ix_entities_match_keys",
                table: "entities",
                column: "match_keys")
                .Annotation("Npgsql:IndexMethod", "gin");
        }
    }
}
