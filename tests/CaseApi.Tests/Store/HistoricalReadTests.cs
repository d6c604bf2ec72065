using CaseApi.Store;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Store;

/// <summary>Reads of the past are bulk work: the bulk pool, and an index for resolving a time.</summary>
public sealed class HistoricalReadTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_point_read_of_the_past_takes_the_primarys_bulk_pool_and_of_the_present_the_main_pool()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var snapshots = scope.ServiceProvider.GetRequiredService<StoreSnapshots>();

        var (past, _) = await snapshots.ResolveAsync(StoreRead.Item, "0", default, null, Ct);
        var (present, _) = await snapshots.ResolveAsync(StoreRead.Item, default, default, null, Ct);

        Assert.IsType<ReadOnlyCaseDbContext>(past!.Db);
        Assert.IsType<CaseDbContext>(present!.Db);
    }

    [Fact]
    public async Task Commits_are_indexed_by_the_time_they_were_sealed()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseDbContext>();

        var definition = await db.Database.SqlQueryRaw<string>(
            "SELECT indexdef AS \"Value\" FROM pg_indexes WHERE tablename = 'history_commits' AND indexname = 'ix_history_commits_committed_at'")
            .SingleAsync(Ct);

        Assert.Contains("(committed_at,", definition, StringComparison.Ordinal);
    }
}
