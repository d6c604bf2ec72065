using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CaseApi.ReferenceData;
using CaseApi.Tests.Infrastructure;
using CsvHelper;

namespace CaseApi.Tests.Statistics;

/// <summary>Statistics as a chart or a spreadsheet takes them: labels, zero-filled years, three dimensions and CSV.</summary>
public sealed class ChartStatisticsTests(CaseApiFactory api) : StudyApiTest(api)
{
    [Theory]
    [InlineData("sector")]
    [InlineData("sponsor")]
    [InlineData("policy")]
    [InlineData("list")]
    public async Task Rows_of_a_reference_table_dimension_carry_the_name_of_each_code(string dimension)
    {
        var stats = await GetAsync($"/api/v1/stats/cases?groupBy={dimension}");

        var names = ReferenceNames(dimension);
        var rows = stats["rows"]!.AsArray();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(
            r![dimension] is null ? "Unknown" : names[(string)r[dimension]!], (string?)r["label"]));
    }

    [Fact]
    public async Task Rows_of_a_code_list_dimension_carry_its_title_or_the_code_in_words()
    {
        var activities = await GetAsync("/api/v1/stats/cases?groupBy=activityType");
        var collectors = await GetAsync("/api/v1/stats/cases?groupBy=collectorType");

        Assert.All(activities["rows"]!.AsArray(), r => Assert.Equal(CodeLists.ActivityTypes[(string)r!["activityType"]!], (string?)r["label"]));
        var soe = collectors["rows"]!.AsArray().Single(r => (string?)r!["collectorType"] == "soe-employee")!;
        Assert.Equal("SOE employee", (string?)soe["label"]);
        var coopted = collectors["rows"]!.AsArray().Single(r => (string?)r!["collectorType"] == "co-opted-individual")!;
        Assert.Equal("Co-opted individual", (string?)coopted["label"]);
    }

    [Fact]
    public async Task Labels_keep_the_hyphens_of_the_reference_titles()
    {
        var sponsorTypes = await GetAsync("/api/v1/stats/cases?groupBy=sponsorType");

        var soe = sponsorTypes["rows"]!.AsArray().Single(r => (string?)r!["sponsorType"] == "state-owned-enterprise")!;
        Assert.Equal(ReferenceNames("sponsor")["soe"], (string?)soe["label"]);
        Assert.Equal("State-owned enterprise", (string?)soe["label"]);
    }

    [Fact]
    public async Task With_two_dimensions_each_code_has_its_own_label_next_to_it()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=year,sector&dateField=charged");

        var row = stats["rows"]!.AsArray().First(r => r!["year"] is not null)!.AsObject();
        Assert.Equal(["year", "yearLabel", "sector", "sectorLabel", "count", "share"], row.Select(p => p.Key));
        Assert.Equal(((int)row["year"]!).ToString(CultureInfo.InvariantCulture), (string?)row["yearLabel"]);
        Assert.Equal(ReferenceNames("sector")[(string)row["sector"]!], (string?)row["sectorLabel"]);
        Assert.DoesNotContain(stats["rows"]!.AsArray(), r => r!.AsObject().ContainsKey("label"));
    }

    [Fact]
    public async Task Missing_values_are_labelled_unknown()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=sponsorType");

        var unknown = stats["rows"]!.AsArray().Single(r => r!["sponsorType"] is null)!;
        Assert.Equal("Unknown", (string?)unknown["label"]);
        Assert.Equal(Study.Count(c => c.Sponsor is null), (int)unknown["count"]!);
    }

    [Fact]
    public async Task Summary_breakdowns_carry_labels()
    {
        var summary = await GetAsync("/api/v1/stats/summary");

        var sectors = ReferenceNames("sector");
        Assert.All(summary["topSectors"]!.AsArray(), r => Assert.Equal(sectors[(string)r!["sector"]!], (string?)r["label"]));
        Assert.All(summary["byActivityType"]!.AsArray(),
            r => Assert.Equal(CodeLists.ActivityTypes[(string)r!["activityType"]!], (string?)r["label"]));
        Assert.Contains(summary["bySponsorType"]!.AsArray(),
            r => (string?)r!["sponsorType"] == "intelligence-service" && (string?)r["label"] == "Intelligence service");
        Assert.All(summary["byOutcome"]!.AsArray(), r => Assert.False(string.IsNullOrEmpty((string?)r!["label"])));
    }

    [Fact]
    public async Task Fill_zero_returns_every_year_between_from_and_to_with_zero_counts()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=year&fill=zero&from=1995&to=2023&sort=year");

        var rows = stats["rows"]!.AsArray();
        var expected = Enumerable.Range(1995, 29)
            .Select(y => (y, Study.Count(c => StudyCases.Year(c.ChargedOn) == y)))
            .ToList();
        Assert.Equal(expected, rows.Select(r => ((int)r!["year"]!, (int)r["count"]!)));
        Assert.Contains(expected, e => e.Item2 == 0);
        Assert.Equal(0.0, (double)rows[0]!["share"]!);
    }

    [Fact]
    public async Task Fill_zero_without_from_and_to_spans_the_data_and_keeps_the_cases_without_a_date()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=year&fill=zero&sector=space&outcome=convicted,charged,fugitive");

        var matching = Study.Where(c => c.Sectors!.Contains("space") && c.Outcome is "convicted" or "charged" or "fugitive").ToList();
        var years = matching.Select(c => StudyCases.Year(c.ChargedOn)).OfType<int>().ToList();
        var rows = stats["rows"]!.AsArray();
        var dated = rows.Where(r => r!["year"] is not null).ToDictionary(r => (int)r!["year"]!, r => (int)r!["count"]!);
        Assert.Equal(Enumerable.Range(years.Min(), years.Max() - years.Min() + 1), dated.Keys.Order());
        Assert.All(dated, p => Assert.Equal(years.Count(y => y == p.Key), p.Value));
        Assert.Contains(dated.Values, v => v == 0);
        Assert.Equal(matching.Count(c => c.ChargedOn is null), (int)rows.Single(r => r!["year"] is null)!["count"]!);
    }

    [Fact]
    public async Task Fill_zero_with_two_dimensions_returns_the_full_grid_over_year()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=sector,year&fill=zero&from=1998&to=2022&sector=space,nuclear,rail");

        var rows = stats["rows"]!.AsArray().Where(r => r!["year"] is not null).ToList();
        // Every sector of the matching cases is a series, including those they have besides the filtered ones.
        var sectors = Study.Where(c => c.Sectors!.Intersect(["space", "nuclear", "rail"]).Any()).SelectMany(c => c.Sectors!).Distinct();
        var grid = sectors.SelectMany(s => Enumerable.Range(1998, 25).Select(y => $"{s}|{y}")).Order(StringComparer.Ordinal);
        Assert.Equal(grid, rows.Select(r => $"{(string)r!["sector"]!}|{(int)r["year"]!}").Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(
            Study.Count(c => c.Sectors!.Intersect(["space", "nuclear", "rail"]).Any()
                && c.Sectors!.Contains((string)r!["sector"]!) && StudyCases.Year(c.ChargedOn) == (int)r["year"]!), (int)r!["count"]!));
        Assert.All(rows, r => Assert.Equal(ReferenceNames("sector")[(string)r!["sector"]!], (string?)r["sectorLabel"]));
    }

    [Fact]
    public async Task Three_dimensions_count_every_triple_of_values()
    {
        var stats = await GetAsync("/api/v1/stats/cases?groupBy=sponsorType,aligned,outcome");

        var expected = Study
            .SelectMany(c => from a in StudyCases.Values(c, "sponsorType")
                             from b in StudyCases.Values(c, "aligned")
                             from o in StudyCases.Values(c, "outcome")
                             select $"{a ?? "<null>"}|{b}|{o}")
            .CountBy(k => k).OrderBy(p => p.Key, StringComparer.Ordinal);
        var rows = stats["rows"]!.AsArray();
        var actual = rows.ToDictionary(
            r => $"{(string?)r!["sponsorType"] ?? "<null>"}|{((bool)r["aligned"]!).ToString().ToLowerInvariant()}|{(string)r["outcome"]!}",
            r => (int)r!["count"]!);
        Assert.Equal(expected, actual.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.All(rows, r => Assert.False(string.IsNullOrEmpty((string?)r!["outcomeLabel"])));
    }

    [Fact]
    public async Task Csv_format_has_one_header_row_and_the_same_labelled_rows_as_json()
    {
        const string query = "groupBy=year,sector&sector=space&metrics=lossUsd.sum&fill=zero&sort=year";
        var json = await GetAsync($"/api/v1/stats/cases?{query}");

        using var response = await Client.GetAsync($"/api/v1/stats/cases?{query}&format=CSV", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var reader = new CsvReader(new StringReader(await response.Content.ReadAsStringAsync(Ct)), CultureInfo.InvariantCulture);
        var records = reader.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(["year", "yearLabel", "sector", "sectorLabel", "count", "share", "lossUsd.sum"], records[0].Keys);
        var rows = json["rows"]!.AsArray();
        Assert.Equal(rows.Count, records.Count);
        foreach (var (row, record) in rows.Zip(records))
        {
            Assert.Equal(row!["sectorLabel"]!.ToString(), record["sectorLabel"]);
            Assert.Equal(row["year"]?.ToString() ?? "", record["year"]);
            Assert.Equal(row["count"]!.ToString(), record["count"]);
            var loss = row["lossUsd.sum"] is null ? "" : ((decimal)row["lossUsd.sum"]!).ToString(CultureInfo.InvariantCulture);
            Assert.Equal(loss, record["lossUsd.sum"]);
        }
    }

    [Fact]
    public async Task Csv_of_an_empty_match_is_the_header_row_alone()
    {
        using var response = await Client.GetAsync("/api/v1/stats/cases?groupBy=sector&q=nonexistentword&format=csv", Ct);

        Assert.Equal("sector,label,count,share\r\n", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_zero_filled_grid_beyond_the_limit_is_400_naming_the_limit_and_the_grid_it_asked_for()
    {
        using var response = await Client.GetAsync("/api/v1/stats/cases?groupBy=year,state,tradecraft&fill=zero&from=1901&to=9999&limit=10", Ct);

        var problem = await Problems.AssertFieldAsync(response, "fill");
        var detail = (string)problem["detail"]!;
        Assert.Contains("limit of 100,000 (Statistics:MaxFilledCells)", detail, StringComparison.Ordinal);
        var cells = long.Parse(Regex.Match(detail, "build ([0-9,]+) rows").Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        var series = Study.SelectMany(c => (c.UsStates ?? []).SelectMany(s => (c.Tradecraft ?? []).Select(t => (s, t)))).Distinct().Count();
        Assert.Equal(8099L * series, cells);
    }

    [Theory]
    [InlineData("groupBy=sector&fill=one", "fill")]
    [InlineData("groupBy=sector&fill=zero", "fill")]
    [InlineData("groupBy=year&fill=zero&minCount=3", "fill")]
    [InlineData("groupBy=year&format=xml", "format")]
    [InlineData("groupBy=year,sector,outcome,state", "groupBy")]
    public async Task Invalid_chart_options_are_400_naming_the_parameter(string query, string parameter)
    {
        using var response = await Client.GetAsync($"/api/v1/stats/cases?{query}", Ct);

        await Problems.AssertFieldAsync(response, parameter);
    }

    private static Dictionary<string, string> ReferenceNames(string dimension) => dimension switch
    {
        "sector" => ReferenceSeed.Sectors.ToDictionary(s => s.Code, s => s.Name),
        "sponsor" => ReferenceSeed.Sponsors.ToDictionary(s => s.Code, s => s.Name),
        "policy" => ReferenceSeed.PolicyDocuments.ToDictionary(s => s.Code, s => s.Name),
        _ => ReferenceSeed.SourceLists.ToDictionary(s => s.Code, s => s.Name),
    };
}
