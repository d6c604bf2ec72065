using System.Net;
using System.Net.Http.Json;
using CaseApi.Store;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.Tests.Security;

/// <summary>What the serving role (the service's own login, caseapi_service) may not do, tried as that role.</summary>
public sealed class LeastPrivilegeTests(CaseApiFactory api) : ApiTest(api)
{
    public static TheoryData<string> Refused => new()
    {
        "UPDATE audit_events SET actor = 'someone-else'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete",
        "DROP TRIGGER audit_events_no_update_or_delete ON audit_events",
        "UPDATE api_keys SET role = 'admin'",
        "UPDATE api_keys SET secret_hash = '\\x00'",
        "DELETE FROM api_keys",
        // The service only adds and renames people, so the audit's actor ids keep resolving to a name.
        "DELETE FROM people",
        "CREATE TABLE planted (id int)",
        "CREATE FUNCTION planted() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "DROP TABLE cases",
        "ALTER TABLE cases ADD COLUMN planted int",
        "DELETE FROM __ef_migrations_history",
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task The_serving_role_is_refused(string sql)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => AsServiceAsync(sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task The_service_connects_as_the_serving_role_which_owns_nothing()
    {
        var user = await WithDbAsync(db => db.Database.SqlQueryRaw<string>("SELECT current_user::text AS \"Value\"").SingleAsync(Ct));
        var owned = await ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relowner = 'caseapi_service'::regrole");

        Assert.Equal(DatabaseRoles.Service, user);
        Assert.Equal(0, owned);
    }

    [Fact]
    public async Task The_serving_role_may_revoke_a_key_and_append_to_the_audit_trail()
    {
        await AsServiceAsync("UPDATE api_keys SET revoked_at = now() WHERE false");
        await AsServiceAsync("INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id) VALUES (now(), 'a', 'b', 'c', 'd')");
    }

    [Fact]
    public async Task The_database_stamps_audit_events_so_a_back_dated_row_cannot_be_written()
    {
        await AsServiceAsync(
            "INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id) VALUES ('2001-01-01', 'a', 'b', 'c', 'd')");

        var stamped = await ScalarAsync<DateTime>("SELECT occurred_at FROM audit_events");
        Assert.True(stamped > DateTime.UtcNow.AddMinutes(-5), $"occurred_at was {stamped:O}");
    }

    [Fact]
    public async Task Parallel_creates_of_one_key_name_make_exactly_one_key()
    {
        var creates = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "twin", role = "reader" }, Ct)));

        Assert.Single(creates, c => c.StatusCode == HttpStatusCode.Created);
        Assert.All(creates.Where(c => c.StatusCode != HttpStatusCode.Created), c => Assert.Equal(HttpStatusCode.Conflict, c.StatusCode));
        foreach (var create in creates) create.Dispose();
    }

    private async Task AsServiceAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Api.ServiceConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Api.ServiceConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
