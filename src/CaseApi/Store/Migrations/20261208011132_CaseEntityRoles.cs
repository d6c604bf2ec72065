using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// Issue 36: a case's collectors' employers and sponsoring units (names whose links follow them, as defendants' and victims'
    /// do), and the sponsor an entity belongs to. The case columns are nullable because history entries written before them
    /// lack them (reads of the past find NULL, shown as []); the stored cases get '{}' from a default that is dropped at once,
    /// which fills them without an UPDATE (so without a history entry per case).
    /// </summary>
    public partial class CaseEntityRoles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "sponsor_code",
                table: "entities",
                type: "character varying(60)",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "collector_employers",
                table: "cases",
                type: "text[]",
                nullable: true,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<string[]>(
                name: "sponsoring_units",
                table: "cases",
                type: "text[]",
                nullable: true,
                defaultValue: new string[0]);

            migrationBuilder.Sql("ALTER TABLE cases ALTER COLUMN collector_employers DROP DEFAULT, ALTER COLUMN sponsoring_units DROP DEFAULT;");

            migrationBuilder.CreateIndex(
                name: "ix_entities_sponsor_code",
                table: "entities",
                column: "sponsor_code");

            migrationBuilder.AddForeignKey(
                name: "fk_entities_sponsors_sponsor_code",
                table: "entities",
                column: "sponsor_code",
                principalTable: "sponsors",
                principalColumn: "code",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_entities_sponsors_sponsor_code",
                table: "entities");

            migrationBuilder.DropIndex(
                name: "ix_entities_sponsor_code",
                table: "entities");

            migrationBuilder.DropColumn(
                name: "sponsor_code",
                table: "entities");

            migrationBuilder.DropColumn(
                name: "collector_employers",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "sponsoring_units",
                table: "cases");
        }
    }
}
