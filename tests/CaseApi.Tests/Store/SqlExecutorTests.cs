using CaseApi.Store;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Store;

/// <summary>
/// The one executor escapes what EF Core's raw-SQL methods would otherwise read as format placeholders, so a statement
/// reaches PostgreSQL exactly as its fragment renders it, with or without parameters.
/// </summary>
public sealed class SqlExecutorTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Braces_in_a_statement_without_parameters_reach_postgresql_as_written()
    {
        var text = await WithDbAsync(db => db.Database.Query<string>(
            SqlFragment.Raw("SELECT array_to_string('{a,b}'::text[], '|') || '{}'::jsonb::text AS \"Value\"")).SingleAsync(Ct));

        Assert.Equal("a|b{}", text);
    }

    [Fact]
    public async Task Braces_beside_parameters_reach_postgresql_as_written()
    {
        var suffix = "!";

        var text = await WithDbAsync(db => db.Database.Query<string>(
            SqlFragment.Of($"SELECT array_to_string('{{x}}'::text[] || {suffix}::text, '') AS \"Value\"")).SingleAsync(Ct));

        // '{x}' is the one-element array [x]; unescaped, string.Format would have refused "{x}" as a placeholder.
        Assert.Equal("x!", text);
    }

    [Fact]
    public async Task A_command_with_braces_runs_as_written()
    {
        var setting = await WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync(Ct);
            await db.Database.ExecuteAsync(SqlFragment.Raw("SELECT set_config('caseapi.probe', '{\"a\": [1]}', false)"), Ct);
            return await db.Database.Query<string>(SqlFragment.Raw("SELECT current_setting('caseapi.probe') AS \"Value\"")).SingleAsync(Ct);
        });

        Assert.Equal("{\"a\": [1]}", setting);
    }
}
