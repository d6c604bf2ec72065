using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.History;

public sealed class ReleaseTests(CaseApiFactory api) : HistoryTest(api)
{
    // The reads a paper cites: a summary, a grouped statistic, a list page, one case, a CSV export, the alignment table.
    private static readonly string[] Reads =
    [
        "/api/v1/stats/summary",
        "/api/v1/stats/cases?groupBy=sector,aligned",
        "/api/v1/stats/cases?groupBy=policy&format=csv",
        "/api/v1/stats/policy-alignment",
        "/api/v1/cases?limit=2&sort=title",
        "/api/v1/cases?aligned=true&q=turbine",
        "/api/v1/cases?aligned=true&count=exact&limit=1",
        "/api/v1/cases/space-case",
        "/api/v1/cases/export?format=csv",
        "/api/v1/cases/export?format=ndjson",
    ];

    private static readonly string[] AerospaceOnly = ["aerospace"];

    /// <summary>
    /// The shared reset restores the reference data around its triggers; log it, so the history holds it as the store does.
    /// Positions start from a base of this test's own: the server (and its statistics cache) serves the whole class, and
    /// positions that repeat from test to test would name other tests' answers.
    /// </summary>
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteAsync(Api.ConnectionString, """
            UPDATE history_clock SET position = (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
            UPDATE sectors SET name = name; UPDATE sponsors SET name = name; UPDATE source_lists SET name = name;
            UPDATE policy_documents SET name = name; UPDATE policy_document_sectors SET sector_code = sector_code;
            """);
    }

    [Fact]
    public async Task A_release_answers_byte_for_byte_as_the_store_did_when_it_was_taken_while_current_answers_move_on()
    {
        await SeedAsync();
        var before = await ReadAllAsync("");
        using var taken = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "study-2026", description = "The 2026 study." }, Ct);
        var release = await ReadObjectAsync(taken);
        var position = (long)release["position"]!;
        var committedAt = ((DateTimeOffset)release["committedAt"]!).ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

        await ChangeMappingAndCasesAsync();
        var current = await ReadAllAsync("");
        var released = await ReadAllAsync("release=study-2026");
        var byPosition = await ReadAllAsync($"asOf={position}");
        var byTime = await ReadAllAsync($"asOf={Uri.EscapeDataString(committedAt)}");

        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        Assert.Equal("/api/v1/releases/study-2026", taken.Headers.Location?.OriginalString);
        for (var i = 0; i < Reads.Length; i++)
        {
            Assert.True(before[i].SequenceEqual(released[i]), $"release {Reads[i]}: {Text(released[i])}\nbefore: {Text(before[i])}");
            Assert.True(before[i].SequenceEqual(byPosition[i]), $"asOf={position} {Reads[i]}");
            Assert.True(before[i].SequenceEqual(byTime[i]), $"asOf={committedAt} {Reads[i]}");
            Assert.False(before[i].SequenceEqual(current[i]), $"current {Reads[i]} did not change: {Text(current[i])}");
        }
    }

    [Fact]
    public async Task A_case_as_of_a_position_before_it_existed_is_404_and_an_export_names_its_position()
    {
        var position = await StoreVersionAsync();
        await SeedAsync();

        using var missing = await Client.GetAsync($"/api/v1/cases/space-case?asOf={position}", Ct);
        using var export = await Client.GetAsync($"/api/v1/cases/export?asOf={position}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal($"cases-as-of-{position}.csv", export.Content.Headers.ContentDisposition?.FileName);
    }

    [Theory]
    [InlineData("/api/v1/stats/summary?asOf=1&release=study", HttpStatusCode.BadRequest, "asOf")]
    [InlineData("/api/v1/cases?asOf=yesterday", HttpStatusCode.BadRequest, "asOf")]
    [InlineData("/api/v1/cases/export?asOf=-1", HttpStatusCode.BadRequest, "asOf")]
    [InlineData("/api/v1/stats/cases?groupBy=sector&asOf=9000000000000000000", HttpStatusCode.BadRequest, "asOf")]
    [InlineData("/api/v1/stats/coverage?lists=doj-press-releases,csis-survey&asOf=2999-01-01T00:00:00Z", HttpStatusCode.BadRequest, "asOf")]
    [InlineData("/api/v1/cases/space-case?asOf=1900-01-01T00:00:00Z", HttpStatusCode.BadRequest, "asOf")]
    [InlineData("/api/v1/stats/policy-alignment?release=Not%20A%20Name", HttpStatusCode.BadRequest, "release")]
    [InlineData("/api/v1/stats/summary?asOf=1&asOf=2", HttpStatusCode.BadRequest, "asOf")]
    [InlineData("/api/v1/stats/summary?release=no-such-release", HttpStatusCode.NotFound, null)]
    [InlineData("/api/v1/cases/space-case?release=no-such-release", HttpStatusCode.NotFound, null)]
    [InlineData("/api/v1/cases/export?release=no-such-release", HttpStatusCode.NotFound, null)]
    public async Task A_read_point_that_cannot_be_resolved_is_a_problem_without_a_tag(string path, HttpStatusCode status, string? error)
    {
        using var response = await Client.GetAsync(path, Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.ETag);
        var problem = await ReadObjectAsync(response);
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.NotNull(problem["traceId"]);
        if (error is not null) Assert.NotNull(problem["errors"]![error]);
    }

    [Fact]
    public async Task An_as_of_answer_keeps_its_tag_and_its_cache_entry_across_writes_and_never_shares_them_with_the_current_answer()
    {
        await SeedAsync();
        var position = await StoreVersionAsync();
        using var current = await Client.GetAsync("/api/v1/stats/summary", Ct);
        using var asOf = await Client.GetAsync($"/api/v1/stats/summary?asOf={position}", Ct);

        await CreateCaseAsync(CaseSamples.Minimal("later-case"));
        using var asOfAgain = await Client.GetAsync($"/api/v1/stats/summary?asOf={position}", Ct);
        using var revalidated = await GetIfNoneMatchAsync($"/api/v1/stats/summary?asOf={position}", asOf.Headers.ETag!);
        using var caseTag = await Client.GetAsync($"/api/v1/cases/space-case?asOf={position}", Ct);
        using var caseRevalidated = await GetIfNoneMatchAsync($"/api/v1/cases/space-case?asOf={position}", caseTag.Headers.ETag!);
        using var currentAgain = await Client.GetAsync("/api/v1/stats/summary", Ct);

        Assert.Contains("stored", current.Headers.GetValues("Cache-Status").Single(), StringComparison.Ordinal);
        Assert.Contains("stored", asOf.Headers.GetValues("Cache-Status").Single(), StringComparison.Ordinal);
        Assert.NotEqual(current.Headers.ETag, asOf.Headers.ETag);
        Assert.Equal(asOf.Headers.ETag, asOfAgain.Headers.ETag);
        Assert.Contains("hit", asOfAgain.Headers.GetValues("Cache-Status").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, caseRevalidated.StatusCode);
        Assert.Contains("stored", currentAgain.Headers.GetValues("Cache-Status").Single(), StringComparison.Ordinal);
        Assert.NotEqual(await current.Content.ReadAsStringAsync(Ct), await currentAgain.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Releases_are_taken_by_admins_once_per_name_and_read_by_readers_page_by_page()
    {
        var reader = await ClientForRoleAsync("reader");
        foreach (var name in new[] { "r1", "r2", "v1.3" })
        {
            using var created = await Client.PostAsJsonAsync("/api/v1/releases", new { name, description = $"Release {name}.", position = 0 }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var duplicate = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "r1", description = "Again." }, Ct);
        using var beyond = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "r9", description = "Later.", position = 9_000_000_000_000_000_000 }, Ct);
        using var badName = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "R 1", description = "Bad." }, Ct);
        using var byReader = await reader.PostAsJsonAsync("/api/v1/releases", new { name = "r4", description = "Reader." }, Ct);
        using var first = await reader.GetAsync("/api/v1/releases?limit=2", Ct);
        var firstPage = await ReadObjectAsync(first);
        using var second = await reader.GetAsync($"/api/v1/releases?limit=2&cursor={firstPage["nextCursor"]}", Ct);
        var secondPage = await ReadObjectAsync(second);
        using var one = await reader.GetAsync("/api/v1/releases/v1.3", Ct);
        using var none = await reader.GetAsync("/api/v1/releases/r9", Ct);
        var audit = await WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == "release-created", Ct));

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, beyond.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byReader.StatusCode);
        Assert.Equal(3, (long)firstPage["total"]!);
        Assert.Equal(2, firstPage["items"]!.AsArray().Count);
        Assert.Single(secondPage["items"]!.AsArray());
        Assert.Null(secondPage["nextCursor"]);
        Assert.Equal(3, firstPage["items"]!.AsArray().Concat(secondPage["items"]!.AsArray()).Select(r => (string)r!["name"]!).Distinct().Count());
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(0, (long)(await ReadObjectAsync(one))["position"]!);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal(3, audit);
    }

    private async Task SeedAsync()
    {
        var space = CaseSamples.Minimal("space-case");
        space["title"] = "Satellite secrets";
        space["sectors"] = new JsonArray("space");
        await CreateCaseAsync(space);
        await CreateCaseAsync(CaseSamples.Full("turbine-case"));
        await CreateCaseAsync(CaseSamples.Minimal("doomed-case"));
    }

    /// <summary>The space roadmap no longer names space; one case is edited, one deleted, one created.</summary>
    private async Task ChangeMappingAndCasesAsync()
    {
        using var mapping = await Client.PutAsJsonAsync("/api/v1/policy-documents/space2050",
            new { name = "Space Science & Technology in China: A Roadmap to 2050", sectors = AerospaceOnly, year = 2009 }, Ct);
        Assert.Equal(HttpStatusCode.OK, mapping.StatusCode);
        using var space = await Client.GetAsync("/api/v1/cases/space-case", Ct);
        using var edited = await Client.MergePatchAsync("/api/v1/cases/space-case", """{"title": "Zenith satellite secrets", "outcome": "acquitted"}""",
            space.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        using var doomed = await Client.GetAsync("/api/v1/cases/doomed-case", Ct);
        using var deleted = await Client.DeleteAsync("/api/v1/cases/doomed-case", doomed.Headers.ETag);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var newcomer = CaseSamples.Full("turbine-case-2");
        newcomer["title"] = "Another turbine case";
        await CreateCaseAsync(newcomer);
    }

    private async Task<List<byte[]>> ReadAllAsync(string readPoint)
    {
        var bodies = new List<byte[]>();
        foreach (var path in Reads)
        {
            var url = readPoint.Length == 0 ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{readPoint}";
            using var response = await Client.GetAsync(url, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {await response.Content.ReadAsStringAsync(Ct)}");
            bodies.Add(await response.Content.ReadAsByteArrayAsync(Ct));
        }
        return bodies;
    }

    private Task<long> StoreVersionAsync() => ScalarAsync<long>(Api.ConnectionString, "SELECT position FROM history_clock");

    private static string Text(byte[] body) => System.Text.Encoding.UTF8.GetString(body);

    private async Task<HttpResponseMessage> GetIfNoneMatchAsync(string path, EntityTagHeaderValue tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(tag);
        return await Client.SendAsync(request, Ct);
    }
}
