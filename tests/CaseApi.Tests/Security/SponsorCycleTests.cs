using System.Net;
using System.Net.Http.Json;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.Tests.Security;

/// <summary>The sponsor hierarchy stays a forest whatever the timing of admin edits, and readers survive one that is not.</summary>
public sealed class SponsorCycleTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Parallel_puts_that_would_make_two_sponsors_each_others_parent_never_store_a_cycle()
    {
        for (var round = 0; round < 8; round++)
        {
            var (a, b) = ($"race-a{round}", $"race-b{round}");
            using var createdA = await Client.PutAsJsonAsync($"/api/v1/sponsors/{a}", new { name = "A", type = "government" }, Ct);
            using var createdB = await Client.PutAsJsonAsync($"/api/v1/sponsors/{b}", new { name = "B", type = "government" }, Ct);

            var puts = await Task.WhenAll(
                Client.PutAsJsonAsync($"/api/v1/sponsors/{a}", new { name = "A", type = "government", parent = b }, Ct),
                Client.PutAsJsonAsync($"/api/v1/sponsors/{b}", new { name = "B", type = "government", parent = a }, Ct));

            Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (createdA.StatusCode, createdB.StatusCode));
            Assert.All(puts, p => Assert.True(p.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{p.StatusCode}"));
            Assert.Single(puts, p => p.StatusCode == HttpStatusCode.OK);
            Assert.Empty(await SponsorsOnACycleAsync());
            foreach (var put in puts) put.Dispose();
        }
    }

    [Fact]
    public async Task The_database_refuses_a_cycle_even_when_the_application_check_is_bypassed()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(
            () => ExecuteAsync("UPDATE sponsors SET parent_code = 'mss-jssd' WHERE code = 'mss'"));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Equal("sponsors_parent_acyclic", error.ConstraintName);
    }

    [Fact]
    public async Task A_cycle_written_with_superuser_rights_does_not_make_lineage_queries_run_away()
    {
        await ExecuteAsync("""
            SET session_replication_role = replica;
            UPDATE sponsors SET parent_code = 'mss-jssd' WHERE code = 'mss';
            SET session_replication_role = origin;
            """);
        await CreateCaseAsync(CaseSamples.Minimal());

        // A lineage query that followed the cycle would run until the statement timeout and answer 503.
        using var grouped = await Client.GetAsync("/api/v1/stats/cases?groupBy=sponsor&includeChildren=true", Ct);
        using var filtered = await Client.GetAsync("/api/v1/cases?sponsor=mss&includeChildren=true", Ct);
        using var put = await Client.PutAsJsonAsync("/api/v1/sponsors/pla", new { name = "PLA", type = "military", parent = "mss" }, Ct);

        Assert.Equal(HttpStatusCode.OK, grouped.StatusCode);
        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    // A sponsor is on a cycle when walking up from it (at most as many steps as there are sponsors) comes back to it.
    private Task<List<string>> SponsorsOnACycleAsync() => WithDbAsync(db => db.Database.SqlQueryRaw<string>("""
        WITH RECURSIVE up(start, code, steps) AS (
            SELECT code, parent_code, 1 FROM sponsors WHERE parent_code IS NOT NULL
            UNION ALL
            SELECT u.start, s.parent_code, u.steps + 1 FROM up u JOIN sponsors s ON s.code = u.code
            WHERE s.parent_code IS NOT NULL AND u.steps < (SELECT count(*) FROM sponsors))
        SELECT DISTINCT start AS "Value" FROM up WHERE code = start
        """).ToListAsync(Ct));
}
