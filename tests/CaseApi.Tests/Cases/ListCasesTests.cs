using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

public sealed class ListCasesTests(CaseApiFactory api) : StudyApiTest(api)
{
    private static readonly Dictionary<string, Func<CaseRequest, bool>> Expectations = new()
    {
        ["sector=aerospace"] = c => c.Sectors!.Contains("aerospace"),
        ["sector=aerospace&sector=space"] = c => c.Sectors!.Contains("aerospace") || c.Sectors!.Contains("space"),
        ["sector=aerospace,space"] = c => c.Sectors!.Contains("aerospace") || c.Sectors!.Contains("space"),
        ["sector=aerospace&collectorType=soe-employee"] = c => c.Sectors!.Contains("aerospace") && c.CollectorType == "soe-employee",
        ["sponsor=mss"] = c => c.Sponsor == "mss",
        ["sponsor=mss&includeChildren=true"] = c => c.Sponsor is "mss" or "mss-jssd" or "mss-tianjin" or "mss-shanghai",
        ["sponsor=pla&includeChildren=true&sponsor=soe"] = c => c.Sponsor is "pla" or "pla-unit-61398" or "cmc-jsd-ib" or "soe",
        ["sponsorType=military"] = c => StudyCases.SponsorType(c) == "military",
        ["collectorType=student&collectorType=researcher"] = c => c.CollectorType is "student" or "researcher",
        ["activityType=cyber-intrusion"] = c => c.ActivityTypes!.Contains("cyber-intrusion"),
        ["tradecraft=insider&tradecraft=malware"] = c => c.Tradecraft!.Contains("insider") || c.Tradecraft!.Contains("malware"),
        ["outcome=convicted"] = c => c.Outcome == "convicted",
        ["state=CA"] = c => c.UsStates!.Contains("CA"),
        ["policy=space2050"] = c => StudyCases.Policies(c).Contains("space2050"),
        ["aligned=true"] = c => StudyCases.Policies(c).Any(),
        ["aligned=false"] = c => !StudyCases.Policies(c).Any(),
        ["tag=cyber"] = c => c.Tags!.Contains("cyber"),
        ["listedIn=doj-press-releases"] = c => c.ListedIn!.Contains("doj-press-releases"),
        ["from=2005&to=2007"] = c => StudyCases.Year(c.ChargedOn) is >= 2005 and <= 2007,
        ["from=2010&dateField=resolved"] = c => StudyCases.Year(c.ResolvedOn) >= 2010,
        ["to=2000&dateField=activityStart"] = c => StudyCases.Year(c.ActivityStart) <= 2000,
        ["q=turbine"] = c => c.Title!.Contains("Turbine", StringComparison.Ordinal),
        ["q=satellite telemetry"] = c => c.Summary!.Contains("Satellite telemetry", StringComparison.Ordinal),
        ["q=zhang"] = c => c.Defendants!.Contains("Zhang Wei"),
        ["q=monsanto"] = c => c.Victims!.Contains("Monsanto"),
        ["q=turbine&sector=aerospace&tradecraft=cash-payment,front-company&state=NY,CA"] =
            c => c.Title!.Contains("Turbine", StringComparison.Ordinal) && c.Sectors!.Contains("aerospace")
                && (c.Tradecraft!.Contains("cash-payment") || c.Tradecraft!.Contains("front-company"))
                && (c.UsStates!.Contains("NY") || c.UsStates!.Contains("CA")),
    };

    public static TheoryData<string> Filters => [.. Expectations.Keys];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Each_filter_returns_exactly_the_matching_cases(string filter)
    {
        var page = await GetAsync($"/api/v1/cases?{filter}&limit=1000&count=exact");

        var expected = Study.Where(Expectations[filter]).Select(c => c.Slug!).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Slugs(page).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Count, (int)page["total"]!);
    }

    [Fact]
    public async Task Paging_visits_every_case_once_with_next_links()
    {
        var seen = new List<string>();
        string? url = "/api/v1/cases?limit=50&sector=aerospace,information-technology,defense,government";
        var pages = 0;
        while (url is not null)
        {
            using var response = await Client.GetAsync(url, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await ReadObjectAsync(response);
            seen.AddRange(Slugs(page));
            var next = (string?)page["nextCursor"];
            if (next is null)
            {
                Assert.False(response.Headers.Contains("Link"));
                url = null;
            }
            else
            {
                var link = Assert.Single(response.Headers.GetValues("Link"));
                Assert.EndsWith("; rel=\"next\"", link, StringComparison.Ordinal);
                url = link[1..link.IndexOf('>', StringComparison.Ordinal)];
                Assert.Contains($"cursor={Uri.EscapeDataString(next)}", url, StringComparison.Ordinal);
                Assert.Contains("sector=aerospace", url, StringComparison.Ordinal);
            }
            pages++;
        }

        var expected = Study.Where(c => c.Sectors!.Intersect(["aerospace", "information-technology", "defense", "government"]).Any()).Select(c => c.Slug!);
        Assert.Equal(expected.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal((seen.Count + 49) / 50, pages);
    }

    [Theory]
    [InlineData("-chargedOn")]
    [InlineData("chargedOn")]
    [InlineData("resolvedOn")]
    [InlineData("-resolvedOn")]
    [InlineData("title")]
    [InlineData("-title")]
    [InlineData("createdAt")]
    [InlineData("-updatedAt")]
    public async Task Sort_orders_every_page_with_missing_values_last(string sort)
    {
        var all = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = await GetAsync($"/api/v1/cases?sort={sort}&limit=200{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}");
            all.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);

        Assert.Equal(StudyCases.Total, all.Select(c => (string)c["slug"]!).Distinct().Count());
        var field = sort.TrimStart('-');
        var values = all.Select(c => (string?)c[field]).ToList();
        var present = values.TakeWhile(v => v is not null).ToList();
        Assert.All(values.Skip(present.Count), v => Assert.Null(v));
                var keys = present.Select(v => field.EndsWith("On", StringComparison.Ordinal) ? FirstDay(v) : v!).ToList();
        var comparer = field == "title" ? StringComparer.InvariantCulture : StringComparer.Ordinal;
        Assert.Equal(sort.StartsWith('-') ? keys.OrderDescending(comparer) : keys.Order(comparer), keys, comparer);
    }

    [Fact]
    public async Task The_default_sort_is_newest_charge_first()
    {
        var page = await GetAsync("/api/v1/cases?limit=5");

        var newest = Study.Select(c => c.ChargedOn).OfType<string>().Max(FirstDay);
        Assert.Equal(newest, FirstDay((string)page["items"]![0]!["chargedOn"]!));
    }

    [Fact]
    public async Task Paging_neither_skips_nor_repeats_when_cases_are_inserted_meanwhile()
    {
        var seen = new List<string>();
        var page = await GetAsync("/api/v1/cases?limit=100");
        seen.AddRange(Slugs(page));

        // New cases land before, inside and after the page already read, in every date bucket.
        foreach (var (date, n) in new[] { ("2020-12-31", 0), ("2010", 1), ("2000-01-01", 2), ((string?)null, 3), ("2015-06", 4) }.SelectMany(d => Enumerable.Range(0, 4).Select(k => (d.Item1, d.Item2 * 10 + k))))
        {
            var request = CaseSamples.Minimal($"inserted-while-paging-{n}");
            request["chargedOn"] = date;
            await CreateCaseAsync(request);
        }
        var cursor = (string?)page["nextCursor"];
        while (cursor is not null)
        {
            page = await GetAsync($"/api/v1/cases?limit=100&cursor={Uri.EscapeDataString(cursor)}");
            seen.AddRange(Slugs(page));
            cursor = (string?)page["nextCursor"];
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(Study.Select(c => c.Slug!).Except(seen));
    }

    [Fact]
    public async Task Count_none_skips_the_total()
    {
        var page = await GetAsync("/api/v1/cases?count=none&limit=2");

        Assert.Null(page["total"]);
        Assert.Equal(2, page["items"]!.AsArray().Count);
        Assert.NotNull((string?)page["nextCursor"]);
    }

    [Fact]
    public async Task A_tampered_cursor_is_400_naming_cursor()
    {
        var page = await GetAsync("/api/v1/cases?limit=10");
        var cursor = (string)page["nextCursor"]!;
        var tampered = (cursor[0] == 'A' ? 'B' : 'A') + cursor[1..];

        using var response = await Client.GetAsync($"/api/v1/cases?limit=10&cursor={Uri.EscapeDataString(tampered)}", Ct);

        await Problems.AssertFieldAsync(response, "cursor");
    }

    [Fact]
    public async Task A_cursor_used_with_another_sort_is_400()
    {
        var page = await GetAsync("/api/v1/cases?limit=10&sort=title");

        using var response = await Client.GetAsync($"/api/v1/cases?limit=10&sort=-title&cursor={Uri.EscapeDataString((string)page["nextCursor"]!)}", Ct);

        await Problems.AssertFieldAsync(response, "cursor");
    }

    [Theory]
    [InlineData("sector=warp-drive", "sector")]
    [InlineData("sector=aerospace,warp-drive", "sector")]
    [InlineData("sponsor=kgb", "sponsor")]
    [InlineData("sponsorType=club", "sponsorType")]
    [InlineData("collectorType=spy", "collectorType")]
    [InlineData("activityType=theft", "activityType")]
    [InlineData("tradecraft=magic", "tradecraft")]
    [InlineData("outcome=pardoned", "outcome")]
    [InlineData("state=ZZ", "state")]
    [InlineData("policy=fyp14", "policy")]
    [InlineData("tag=Not_Kebab", "tag")]
    [InlineData("dateField=born", "dateField")]
    [InlineData("from=2010&to=2005", "to")]
    [InlineData("sort=colour", "sort")]
    [InlineData("sort=-summary", "sort")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("count=approximate", "count")]
    [InlineData("count=Exact", "count")]
    [InlineData("cursor=garbage", "cursor")]
    [InlineData("sectors=aerospace", "sectors")]
    [InlineData("pageSize=10", "pageSize")]
    [InlineData("dateColumn=charged_on", "dateColumn")]
    public async Task Unknown_codes_values_and_parameters_are_400_naming_the_parameter(string query, string parameter)
    {
        using var response = await Client.GetAsync($"/api/v1/cases?{query}", Ct);

        await Problems.AssertFieldAsync(response, parameter);
    }

    [Theory]
    [InlineData("aligned=maybe", "aligned")]
    [InlineData("limit=ten", "limit")]
    [InlineData("from=last-year", "from")]
    public async Task Values_of_the_wrong_type_are_400_naming_the_parameter(string query, string parameter)
    {
        using var response = await Client.GetAsync($"/api/v1/cases?{query}", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(parameter, (string)problem["detail"]!, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A partial date sorts as its first day: "2017" as 2017-01-01.</summary>
    private static string FirstDay(string? partialDate) => partialDate!.Length switch { 4 => $"{partialDate}-01-01", 7 => $"{partialDate}-01", _ => partialDate };

    private static IEnumerable<string> Slugs(JsonObject page) => page["items"]!.AsArray().Select(i => (string)i!["slug"]!);
}
