using CaseApi.Tests.Infrastructure;
using Npgsql;

namespace CaseApi.Tests.History;

/// <summary>The service writes the history only through the triggers, never directly.</summary>
public sealed class HistoryPrivilegeTests(CaseApiFactory api) : HistoryTest(api)
{
    [Theory]
    [InlineData("UPDATE history_entries SET action = 'update'")]
    [InlineData("DELETE FROM history_commits")]
    [InlineData("UPDATE history_clock SET position = 0")]
    [InlineData("INSERT INTO history_entries (entity, key, action, hash) VALUES ('case', 'x', 'create', '\\x00')")]
    public async Task The_serving_role_may_not_write_the_history_directly(string sql)
    {
        await CreateCaseAsync(CaseSamples.Minimal("privileged"));

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(Api.ServiceConnectionString, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }
}
