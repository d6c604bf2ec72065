using System.Globalization;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Statistics;

public sealed class StatisticsTests(CaseApiFactory api) : StudyApiTest(api)
{
    [Fact]
    public async Task Summary_returns_the_study_figures()
    {
        var summary = await GetAsync("/api/v1/stats/summary");

        Assert.Equal(StudyCases.Total, (int)summary["totalCases"]!);
        Assert.Equal(StudyCases.Aligned, (int)summary["policyAligned"]!["count"]!);
        Assert.Equal(435.0 / 595, (double)summary["policyAligned"]!["share"]!, 9);
        var sectors = summary["topSectors"]!.AsArray();
        Assert.Equal(("aerospace", 116), ((string)sectors[0]!["sector"]!, (int)sectors[0]!["count"]!));
        Assert.Equal(("information-technology", 113), ((string)sectors[1]!["sector"]!, (int)sectors[1]!["count"]!));
        var soe = summary["byCollectorType"]!.AsArray().Single(r => (string?)r!["collectorType"] == "soe-employee")!;
        Assert.Equal(StudyCases.SoeEmployees, (int)soe["count"]!);
        Assert.Equal(137.0 / 595, (double)soe["share"]!, 9);
    }

    [Fact]
    public async Task Summary_breakdowns_and_year_range_match_the_data_set()
    {
        var summary = await GetAsync("/api/v1/stats/summary");

        AssertCounts(summary["bySponsorType"]!, "sponsorType", Count(c => [StudyCases.SponsorType(c)]));
        AssertCounts(summary["byActivityType"]!, "activityType", Count(c => c.ActivityTypes!));
        AssertCounts(summary["byOutcome"]!, "outcome", Count(c => [c.Outcome]));
        AssertCounts(summary["topSectors"]!, "sector", Count(c => c.Sectors!));
        var years = Study.Select(c => StudyCases.Year(c.ChargedOn)).OfType<int>().ToList();
        Assert.Equal(years.Min(), (int)summary["yearRange"]!["from"]!);
        Assert.Equal(years.Max(), (int)summary["yearRange"]!["to"]!);
    }

    [Fact]
    public async Task Summary_honours_the_filters()
    {
        var summary = await GetAsync("/api/v1/stats/summary?sector=aerospace&collectorType=soe-employee");

        var expected = Study.Count(c => c.Sectors!.Contains("aerospace") && c.CollectorType == "soe-employee");
        Assert.Equal(expected, (int)summary["totalCases"]!);
        Assert.Equal(expected, (int)summary["policyAligned"]!["count"]!);
    }

    [Fact]
    public async Task Policy_alignment_returns_the_study_figures_and_each_document()
    {
        var alignment = await GetAsync("/api/v1/stats/policy-alignment");

        Assert.Equal(StudyCases.Total, (int)alignment["totalCases"]!);
        Assert.Equal(StudyCases.Aligned, (int)alignment["anyDocument"]!["count"]!);
        var documents = alignment["documents"]!.AsArray();
        Assert.Equal(3, documents.Count);
        foreach (var document in documents)
        {
            var code = (string)document!["code"]!;
            var expected = Study.Count(c => StudyCases.Policies(c).Contains(code));
            Assert.Equal(expected, (int)document["count"]!);
            Assert.Equal((double)expected / StudyCases.Total, (double)document["share"]!, 9);
            Assert.False(string.IsNullOrEmpty((string?)document["title"]));
        }
    }

    [Fact]
    public async Task Policy_alignment_follows_an_edit_of_the_sector_mapping()
    {
        // Space 2050 names space and aerospace; without aerospace only the space cases remain aligned with it.
        await WithDbAsync(db => db.PolicyDocumentSectors.Where(m => m.PolicyCode == "space2050" && m.SectorCode == "aerospace").ExecuteDeleteAsync(Ct));

        var alignment = await GetAsync("/api/v1/stats/policy-alignment");

        var space = alignment["documents"]!.AsArray().Single(d => (string?)d!["code"] == "space2050")!;
        Assert.Equal(Study.Count(c => c.Sectors!.Contains("space")), (int)space["count"]!);
        Assert.Equal(StudyCases.Aligned, (int)alignment["anyDocument"]!["count"]!);
    }

    [Theory]
    [InlineData("year")]
    [InlineData("sector")]
    [InlineData("sponsor")]
    [InlineData("sponsorType")]
    [InlineData("collectorType")]
    [InlineData("activityType")]
    [InlineData("tradecraft")]
    [InlineData("outcome")]
    [InlineData("state")]
    [InlineData("policy")]
    [InlineData("aligned")]
    [InlineData("list")]
    public async Task Each_dimension_counts_as_computed_from_the_data_set(string dimension)
    {
        var stats = await GetAsync($"/api/v1/stats/cases?groupBy={dimension}");

        Assert.Equal(StudyCases.Total, (int)stats["total"]!);
        AssertCounts(stats["rows"]!, dimension, Count(c => StudyCases.Values(c, dimension)));
        foreach (var row in stats["rows"]!.AsArray())
        {
            Assert.Equal((double)row!["count"]! / StudyCases.Total, (double)row["share"]!, 9);
        }
    }

    [Theory]
    [InlineData("year", "sector")]
    [InlineData("sponsorType", "aligned")]
    [InlineData("policy", "tradecraft")]
    public async Task Two_dimensions_count_every_pair_of_values(string first, string second)
    {
        var stats = await GetAsync($"/api/v1/stats/cases?groupBy={first},{second}");

        var expected = Study
            .SelectMany(c => StudyCases.Values(c, first).SelectMany(a => StudyCases.Values(c, second).Select(b => $"{Key(a)}|{Key(b)}")))
            .CountBy(k => k).ToDictionary(p => p.Key, p => p.Value);
        var actual = stats["rows"]!.AsArray().ToDictionary(r => $"{Key(r![first])}|{Key(r[second])}", r => (int)r!["count"]!);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Filters_apply_to_the_counted_cases()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=collectorType&sector=aerospace&sector=space&outcome=convicted");

        var matching = Study.Where(c => (c.Sectors!.Contains("aerospace") || c.Sectors!.Contains("space")) && c.Outcome == "convicted").ToList();
        Assert.Equal(matching.Count, (int)stats["total"]!);
        AssertCounts(stats["rows"]!, "collectorType", matching.CountBy(c => Key(c.CollectorType)).ToDictionary(p => p.Key, p => p.Value));
    }

    [Fact]
    public async Task Year_follows_dateField_and_groups_missing_dates_under_null()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=year&dateField=resolved");

        var rows = stats["rows"]!.AsArray();
        AssertCounts(rows, "year", Count(c => StudyCases.Values(c, "year", "resolved")));
        Assert.Contains(rows, r => r!["year"] is null && (int)r["count"]! == Study.Count(c => c.ResolvedOn is null));
        Assert.All(rows.Where(r => r!["year"] is not null), r => Assert.Equal(System.Text.Json.JsonValueKind.Number, r!["year"]!.GetValueKind()));
    }

    [Fact]
    public async Task Sponsor_with_includeChildren_counts_cases_under_every_ancestor()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=sponsor&includeChildren=true");

        AssertCounts(stats["rows"]!, "sponsor", Count(c => StudyCases.Values(c, "sponsor", includeChildren: true)));
        var mss = stats["rows"]!.AsArray().Single(r => (string?)r!["sponsor"] == "mss")!;
        Assert.Equal(Study.Count(c => c.Sponsor is "mss" or "mss-jssd" or "mss-tianjin" or "mss-shanghai"), (int)mss["count"]!);
    }

    [Fact]
    public async Task Limit_returns_the_top_groups_by_count()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=sector&limit=3");

        var expected = Count(c => c.Sectors!).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(3);
        Assert.Equal(expected.Select(p => (p.Key, p.Value)), stats["rows"]!.AsArray().Select(r => (Key(r!["sector"]), (int)r["count"]!)));
        Assert.Equal(StudyCases.Total, (int)stats["total"]!);
    }

    [Fact]
    public async Task MinCount_keeps_only_groups_with_at_least_that_many_cases()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=sector&minCount=60");

        var expected = Count(c => c.Sectors!).Where(p => p.Value >= 60).ToDictionary();
        AssertCounts(stats["rows"]!, "sector", expected);
        Assert.True(expected.Count is > 1 and < 10, "The threshold must split the sectors for this test to mean anything.");
    }

    [Theory]
    [InlineData("outcome", false)]
    [InlineData("-outcome", true)]
    [InlineData("count", false)]
    public async Task Sort_orders_rows_by_a_dimension_or_the_count(string sort, bool descending)
    {
        var stats = await GetAsync($"/api/v1/stats/cases?groupBy=outcome&sort={sort}");

        var rows = stats["rows"]!.AsArray();
        var keys = sort.TrimStart('-') == "count"
            ? rows.Select(r => ((int)r!["count"]!).ToString("D6", CultureInfo.InvariantCulture)).ToList()
            : rows.Select(r => (string)r!["outcome"]!).ToList();
        var ordered = descending ? keys.OrderDescending(StringComparer.Ordinal) : keys.Order(StringComparer.Ordinal);
        Assert.Equal(ordered, keys);
        Assert.Equal(9, rows.Count);
    }

    [Fact]
    public async Task Metrics_are_computed_per_group()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=outcome&metrics=sentenceMonths.avg,sentenceMonths.median,lossUsd.sum");

        foreach (var row in stats["rows"]!.AsArray())
        {
            var group = Study.Where(c => c.Outcome == (string)row!["outcome"]!).ToList();
            var sentences = group.Select(c => c.SentenceMonths).OfType<int>().Order().ToList();
            if (sentences.Count == 0)
            {
                Assert.Null(row!["sentenceMonths.avg"]);
                Assert.Null(row["sentenceMonths.median"]);
            }
            else
            {
                Assert.Equal(sentences.Average(), (double)row!["sentenceMonths.avg"]!, 9);
                var median = sentences.Count % 2 == 1 ? sentences[sentences.Count / 2] : (sentences[(sentences.Count / 2) - 1] + sentences[sentences.Count / 2]) / 2.0;
                Assert.Equal(median, (double)row["sentenceMonths.median"]!, 9);
            }
            Assert.Equal(group.Sum(c => c.LossUsd ?? 0), (decimal)row!["lossUsd.sum"]!);
        }
    }

    [Fact]
    public async Task An_empty_match_returns_a_zero_total_and_no_rows()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=sector&q=nonexistentword");

        Assert.Equal(0, (int)stats["total"]!);
        Assert.Empty(stats["rows"]!.AsArray());
    }

    [Theory]
    [InlineData("groupBy=colour", "groupBy")]
    [InlineData("groupBy=sector,year,outcome,state", "groupBy")]
    [InlineData("groupBy=sector&sort=outcome", "sort")]
    [InlineData("groupBy=sector&metrics=lossUsd.max", "metrics")]
    [InlineData("groupBy=sector&limit=0", "limit")]
    [InlineData("groupBy=sector&sector=warp-drive", "sector")]
    [InlineData("groupBy=sector&dateField=born", "dateField")]
    [InlineData("groupBy=sector&groupby2=x", "groupby2")]
    public async Task Invalid_options_are_400_naming_the_parameter(string query, string parameter)
    {
        using var response = await Client.GetAsync($"/api/v1/stats/cases?{query}", Ct);

        await Problems.AssertFieldAsync(response, parameter);
    }

    private static Dictionary<string, int> Count(Func<CaseRequest, IEnumerable<string?>> values) =>
        Study.SelectMany(values).CountBy(Key).ToDictionary(p => p.Key, p => p.Value);

    private static string Key(string? value) => value ?? "<null>";

    private static string Key(JsonNode? value) => value is null ? "<null>" : value.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String => (string)value!,
        _ => value.ToJsonString(),
    };

    private static void AssertCounts(JsonNode rows, string dimension, IReadOnlyDictionary<string, int> expected)
    {
        var actual = rows.AsArray().ToDictionary(r => Key(r![dimension]), r => (int)r!["count"]!);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
