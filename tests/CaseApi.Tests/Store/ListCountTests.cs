using CaseApi.Cases;
using CaseApi.Infrastructure.Paging;
using CaseApi.Store;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseApi.Tests.Store;

/// <summary>The count modes of the case list: what each returns and how it says what kind of number total is.</summary>
public sealed class ListCountTests(CaseApiFactory api) : StudyApiTest(api)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // Only the table's owner may gather its statistics.
        await using var owner = new NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync(Ct);
        await using var analyze = new NpgsqlCommand("ANALYZE cases", owner);
        await analyze.ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task Count_exact_counts_every_match()
    {
        var page = await GetAsync("/api/v1/cases?count=exact&limit=1&aligned=true");

        Assert.Equal(StudyCases.Aligned, (long)page["total"]!);
        Assert.True((bool)page["totalIsExact"]!);
        Assert.False((bool)page["totalIsEstimate"]!);
    }

    // count=exact picks a page's ids with CaseSort.OrderSql and the other modes order with EF (CaseSort.Order): two
    // spellings of one order, so every sort in both directions must page alike.
    public static TheoryData<string> Sorts => [.. CaseSort.Names.SelectMany(name => new[] { name, "-" + name })];

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task Count_exact_totals_the_whole_filter_on_every_page_while_the_pages_visit_each_match_once(string sort)
    {
        var seen = new List<string>();
        string? next = $"/api/v1/cases?count=exact&limit=7&aligned=true&sort={sort}";
        while (next is not null)
        {
            var page = await GetAsync(next);
            Assert.Equal(StudyCases.Aligned, (long)page["total"]!);
            Assert.True((bool)page["totalIsExact"]!);
            seen.AddRange(page["items"]!.AsArray().Select(c => (string)c!["slug"]!));
            next = page["nextCursor"] is { } cursor ? $"/api/v1/cases?count=exact&limit=7&aligned=true&sort={sort}&cursor={cursor}" : null;
        }

        var unpaged = await GetAsync($"/api/v1/cases?count=none&limit=1000&aligned=true&sort={sort}");
        Assert.Equal(unpaged["items"]!.AsArray().Select(c => (string)c!["slug"]!), seen);
    }

    [Fact]
    public async Task Count_exact_past_the_last_match_still_counts_the_matches_before_the_cursor()
    {
        // Undated and the smallest id, in newest-charge-first order: nothing comes after it.
        var pastTheEnd = PageCursor.Encode(new KeysetCursor(CaseSort.Default, null, Guid.Empty));

        var page = await GetAsync($"/api/v1/cases?count=exact&aligned=true&cursor={pastTheEnd}");

        Assert.Empty(page["items"]!.AsArray());
        Assert.Equal(StudyCases.Aligned, (long)page["total"]!);
        Assert.True((bool)page["totalIsExact"]!);
    }

    [Fact]
    public async Task Count_exact_of_a_filter_nothing_matches_is_zero()
    {
        var page = await GetAsync("/api/v1/cases?count=exact&q=xylophonist");

        Assert.Empty(page["items"]!.AsArray());
        Assert.Equal(0, (long)page["total"]!);
        Assert.True((bool)page["totalIsExact"]!);
    }

    [Fact]
    public async Task By_default_a_small_result_is_counted_exactly()
    {
        var page = await GetAsync("/api/v1/cases?limit=1&sector=space");

        Assert.Equal(Study.Count(c => c.Sectors!.Contains("space")), (long)page["total"]!);
        Assert.True((bool)page["totalIsExact"]!);
        Assert.False((bool)page["totalIsEstimate"]!);
    }

    [Fact]
    public async Task Count_estimate_returns_the_planners_estimate_flagged_as_one()
    {
        var page = await GetAsync("/api/v1/cases?count=estimate&limit=1");

        // The statistics were just gathered, so the estimate of an unfiltered list is the table's size.
        Assert.Equal(StudyCases.Total, (long)page["total"]!);
        Assert.True((bool)page["totalIsEstimate"]!);
        Assert.False((bool)page["totalIsExact"]!);
    }

    [Fact]
    public async Task Count_none_has_no_total_and_claims_nothing_about_it()
    {
        var page = await GetAsync("/api/v1/cases?count=none&limit=1");

        Assert.Null(page["total"]);
        Assert.False((bool)page["totalIsExact"]!);
        Assert.False((bool)page["totalIsEstimate"]!);
    }

    [Fact]
    public async Task Past_the_cap_the_default_returns_the_estimate()
    {
        var everything = new CaseFilter(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null)
        {
            View = StoreView.Current,
        };

        var total = await WithDbAsync(db => ListCount.CountAsync(db.Database, everything.SelectSql(), null, Ct, exactUpTo: 100));

        Assert.Equal(PageTotal.Estimate(StudyCases.Total), total);
    }

    [Fact]
    public async Task When_the_planner_expects_few_but_more_match_the_default_returns_the_cap_as_a_lower_bound()
    {
        // The planner guesses 0.5% for a condition it has no statistics for: 25 of these 5,000 rows, where 2,500 match.
        var matching = SqlFragment.Raw("SELECT g FROM generate_series(1, 5000) AS g WHERE g % 2 = 0");

        var total = await WithDbAsync(db => ListCount.CountAsync(db.Database, matching, null, Ct, exactUpTo: 100));

        Assert.Equal(PageTotal.AtLeast(100), total);
    }

    [Fact]
    public async Task The_count_runs_beside_the_page_on_a_second_connection_of_the_bulk_pool_without_jit()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReadOnlyCaseDbContext>();
        await db.Database.OpenConnectionAsync(Ct);
        var pageBackend = await db.Database.SqlQuery<int>($"SELECT pg_backend_pid() AS \"Value\"").SingleAsync(Ct);
        // Counts 1 only on another backend of the bulk pool whose session has the service's settings.
        var matching = SqlFragment.Of($"""
            SELECT 1 WHERE pg_backend_pid() <> {pageBackend} AND current_setting('application_name') LIKE '%-bulk'
            AND current_setting('jit') = 'off'
            """);

        var total = await ListCount.CountAsync(db.Database, matching, "exact", Ct);

        Assert.Equal(PageTotal.Exact(1), total);
    }

    [Fact]
    public void Count_exact_reads_the_matches_once_for_the_page_and_the_total()
    {
        _ = CaseSort.TryParse("-chargedOn", out var sort);

        var (sql, parameters) = ListCount.PageWithTotalSql(
            SqlFragment.Raw("SELECT c.* FROM cases c WHERE TRUE"), sort!.Column, sort.OrderSql(), SqlFragment.Raw("c.id <> c.id"), 51).Render();

        Assert.Equal(
            """
            SELECT c.id, c.total FROM (
                SELECT c.id, c.charged_on, count(*) OVER () AS total FROM (SELECT c.* FROM cases c WHERE TRUE) AS c
            ) AS c
            WHERE c.id <> c.id
            ORDER BY c.charged_on IS NULL, c.charged_on DESC, c.id DESC
            LIMIT @p_1
            """, sql);
        Assert.Equal(51, parameters.Single().Value);
    }

    [Fact]
    public void The_capped_count_stops_reading_at_the_cap()
    {
        var (sql, parameters) = ListCount.CountSql(SqlFragment.Raw("SELECT 1 FROM cases c WHERE TRUE"), 1001).Render();

        Assert.Equal("SELECT count(*) AS total FROM (SELECT 1 FROM cases c WHERE TRUE LIMIT @p_1) AS m", sql);
        Assert.Equal(1001L, parameters.Single().Value);
    }
}
