using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// People and stable actors (docs/operations/security.md, "The actor model"): the people table the service fills from
    /// sign-in tokens, an owner for API keys, and releases naming their creator by actor id (a person's or a key's) as
    /// the audit does. The serving role may read, add and rename people, nothing more.
    /// </summary>
    public partial class PeopleAndActors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "owner",
                table: "api_keys",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "people",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    issuer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_people", x => x.id);
                });

            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN ALTER TABLE people OWNER TO caseapi_owner; END IF;
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                        GRANT SELECT, INSERT, UPDATE ON people TO caseapi_service;
                    END IF;
                END $$;

                -- A release was taken by a key (its id); it may now be taken by a person too, so it names the actor as the
                -- audit does. Existing rows become key:{id}; the column type changes without firing the history triggers.
                ALTER TABLE releases DROP CONSTRAINT IF EXISTS releases_created_by_fkey;
                ALTER TABLE releases ALTER COLUMN created_by TYPE text USING 'key:' || created_by::text;
                ALTER TABLE releases ADD CONSTRAINT releases_created_by_length CHECK (length(created_by) <= 200);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Fails while a release names a person: such a release has no key to point back to.
            migrationBuilder.Sql("""
                ALTER TABLE releases DROP CONSTRAINT IF EXISTS releases_created_by_length;
                ALTER TABLE releases ALTER COLUMN created_by TYPE uuid USING substr(created_by, length('key:') + 1)::uuid;
                ALTER TABLE releases ADD CONSTRAINT releases_created_by_fkey FOREIGN KEY (created_by) REFERENCES api_keys (id);
                """);

            migrationBuilder.DropTable(
                name: "people");

            migrationBuilder.DropColumn(
                name: "owner",
                table: "api_keys");
        }
    }
}
