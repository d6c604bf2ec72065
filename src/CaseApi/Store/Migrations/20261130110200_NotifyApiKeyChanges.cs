using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// Every transaction that changes api_keys notifies the channel api_keys_changed when it commits, so
    /// each replica drops its cached keys: a revocation is seen everywhere at once, not when a cache entry expires.
    /// </summary>
    [DbContext(typeof(CaseDbContext))]
    [Migration("20261130110200_NotifyApiKeyChanges")]
    public partial class NotifyApiKeyChanges : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION api_keys_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('api_keys_changed', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER api_keys_notify_change AFTER UPDATE OR DELETE OR TRUNCATE ON api_keys
                    FOR EACH STATEMENT EXECUTE FUNCTION api_keys_notify_change();
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS api_keys_notify_change ON api_keys;
                DROP FUNCTION IF EXISTS api_keys_notify_change();
                """);
        }
    }
}
