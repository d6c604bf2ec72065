using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using CaseApi.Tests.Linkage.Corpus;

namespace CaseApi.Tests.Linkage;

/// <summary>
/// The committed corpus (seed B) through the API against a real PostgreSQL: the 400 cases imported, the three lists
/// uploaded as published with their column mappings, suggestions accepted at the default threshold, the rest reviewed
/// by hand from the truth.
/// </summary>
public sealed class ListLinkageApiTests(CaseApiFactory api) : ApiTest(api)
{
    private static readonly (string List, string File, string MediaType, string Mapping)[] Uploads =
    [
        ("doj", CorpusGenerator.DojFile, "text/csv", "reference=url&names=defendants&date=date&headline=title&places=district&nameOrder=GivenFirst"),
        ("csis", CorpusGenerator.CsisFile, "text/csv",
            "reference=incident_id&names=names&date=year&headline=description&places=location&nameOrder=FamilyFirst"),
        ("news", CorpusGenerator.NewsFile, "application/x-ndjson", "reference=id&names=people&date=published&headline=headline&places=dateline"),
    ];

    private static readonly string[] Exclusions = ["filteredOut", "undated", "outsideWindows"];
    private static readonly string[] OneReference = ["CSIS-1"];
    private static readonly string[] TwoReferences = ["CSIS-1", "CSIS-2"];

    [Fact]
    public async Task Accepted_links_are_precise_true_links_are_suggested_and_review_gives_the_true_capture_histories()
    {
        var corpus = LinkageCorpus.Load(LinkageCorpus.MeasurementSeed);
        await SeedCorpusAsync(corpus.Seed);

        var accepted = 0;
        foreach (var (list, _, _, _) in Uploads)
        {
            using var bulk = await Client.PostAsJsonAsync($"/api/v1/source-lists/{list}/entries/accept", new JsonObject(), Ct);
            accepted += (int)(await ReadOkAsync(bulk))["accepted"]!;
        }
        var entries = (await Task.WhenAll(Uploads.Select(async u => (u.List, Entries: await EntriesAsync(u.List, null))))).ToList();

        var linked = entries.SelectMany(l => l.Entries.Select(e => (l.List, Entry: e))).Where(e => (string?)e.Entry["status"] == "linked").ToList();
        var correct = linked.Count(e => AcceptedSlug(e.Entry) == corpus.Truth[(e.List, (string)e.Entry["reference"]!)]);
        var trueLinks = entries.SelectMany(l => l.Entries.Select(e => (Truth: corpus.Truth[(l.List, (string)e["reference"]!)], Entry: e)))
            .Where(e => e.Truth is not null).ToList();
        var suggested = trueLinks.Count(e => e.Entry["candidates"]!.AsArray().Any(c => (bool)c!["suggested"]! && (string?)c["slug"] == e.Truth));
        TestContext.Current.SendDiagnosticMessage(
            $"API seed B: {accepted} accepted by rule, precision {correct}/{linked.Count}, true links suggested {suggested}/{trueLinks.Count}");
        Assert.Equal(accepted, linked.Count);
        Assert.All(linked, e => Assert.Equal("rule", (string?)e.Entry["candidates"]!.AsArray().First(c => (string?)c!["decision"] == "accepted")!["matchMethod"]));
        Assert.True(correct >= 0.98 * linked.Count, $"precision {correct}/{linked.Count}");
        Assert.True(suggested >= 0.95 * trueLinks.Count, $"recall {suggested}/{trueLinks.Count}");

        await ReviewFromTruthAsync(corpus, entries);

        var histories = await WithDbAsync(db => Task.FromResult(db.Cases.Select(c => new { c.Slug, c.ListedIn }).ToList()));
        var truth = corpus.Truth.Where(t => t.Value is not null).GroupBy(t => t.Value!)
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(t => t.Key.List).Distinct().Order(StringComparer.Ordinal)));
        Assert.All(histories, h => Assert.Equal(truth.GetValueOrDefault(h.Slug, ""), string.Join(",", h.ListedIn.Order(StringComparer.Ordinal))));

        using var answer = await Client.GetAsync("/api/v1/stats/coverage?lists=doj,csis,news", Ct);
        var coverage = await ReadOkAsync(answer);
        Assert.Equal(truth.Count, (long)coverage["observed"]!);
        Assert.Equal((long)coverage["observed"]!, (long)coverage["population"]!["cases"]!);
        Assert.Contains($"In scope: {truth.Count} case(s)", (string?)coverage["population"]!["description"], StringComparison.Ordinal);
        Assert.All(Exclusions, k => Assert.Equal(0L, (long)coverage["population"]!["excluded"]![k]!));
        var byList = coverage["linkage"]!["byList"]!.AsArray();
        Assert.Equal(["doj", "csis", "news"], byList.Select(l => (string?)l!["list"]));
        Assert.All(byList, l => Assert.Equal(0, (int)l!["suggestedUnreviewed"]!));
        Assert.Equal(corpus.Truth.Count(t => t.Key.List == "doj" && t.Value is not null), (int)byList[0]!["linked"]!);
        var sensitivity = coverage["linkage"]!["sensitivity"]!;
        Assert.Equal(10, (int)sensitivity["k"]!);
        Assert.Equal(10, (int)sensitivity["weakestAccepted"]!["links"]!);
        Assert.NotNull((double?)sensitivity["ifWeakestAcceptedWrong"]);
        Assert.NotNull((double?)sensitivity["ifStrongestRejectedRight"]);
        TestContext.Current.SendDiagnosticMessage($"Coverage after review: {coverage["interpretation"]} Linkage sensitivity: {sensitivity.ToJsonString()}");
        // Every answer states it, however it is made: strata of a field, periods of the lists' windows.
        foreach (var made in new[] { "stratify=collectorType", "windows=stratified" })
        {
            using var other = await Client.GetAsync($"/api/v1/stats/coverage?lists=doj,csis,news&{made}", Ct);
            var sensitive = (await ReadOkAsync(other))["linkage"]!["sensitivity"];
            Assert.True(sensitive is not null, $"{made}: no linkage sensitivity.");
            Assert.Equal(10, (int)sensitive["weakestAccepted"]!["links"]!);
            Assert.NotNull((double?)sensitive["ifWeakestAcceptedWrong"]);
            Assert.NotEqual((double?)sensitive["estimate"], (double?)sensitive["ifWeakestAcceptedWrong"]);
            TestContext.Current.SendDiagnosticMessage($"Linkage sensitivity with {made}: {sensitive.ToJsonString()}");
        }

        await PutListAsync("empty");
        using var empty = await Client.GetAsync("/api/v1/stats/coverage?lists=doj,csis,empty", Ct);
        Assert.Contains("'empty'", (string?)(await Problems.AssertAsync(empty, HttpStatusCode.UnprocessableEntity))["title"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reupload_updates_entries_by_reference_and_does_not_suggest_a_rejected_case_again()
    {
        var corpus = LinkageCorpus.Load(LinkageCorpus.MeasurementSeed);
        await SeedCorpusAsync(corpus.Seed, lists: 1);
        var entry = (await EntriesAsync("doj", "suggested"))[0]!;
        var rejected = (string)entry["candidates"]![0]!["slug"]!;

        using var reject = await Client.PostAsJsonAsync($"/api/v1/source-lists/doj/entries/{entry["id"]}/reject", new { Case = rejected }, Ct);
        await ReadOkAsync(reject);
        var again = await UploadAsync(Uploads[0], corpus.Seed, withMapping: false);

        Assert.Equal(0, (int)again["created"]!);
        Assert.Equal((int)again["received"]!, (int)again["unchanged"]!);
        var after = (await EntriesAsync("doj", null)).Single(e => (string?)e!["id"] == (string?)entry["id"])!;
        var candidate = after["candidates"]!.AsArray().Single(c => (string?)c!["slug"] == rejected)!;
        Assert.Equal("rejected", (string?)candidate["decision"]);
        Assert.Equal("manual", (string?)candidate["matchMethod"]);
        Assert.NotEqual("linked", (string?)after["status"]);
    }

    [Fact]
    public async Task The_membership_resource_puts_and_removes_a_list_with_its_evidence_under_the_cases_etag()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("member"));
        var slug = (string)created["slug"]!;

        using var withoutTag = await Client.PutAsJsonAsync($"/api/v1/cases/{slug}/lists/csis-survey", new { References = OneReference }, Ct);
        using var put = await SendWithTagAsync(HttpMethod.Put, $"/api/v1/cases/{slug}/lists/csis-survey", etag,
            JsonContent.Create(new { References = TwoReferences }));
        var afterPut = await ReadObjectAsync(await Client.GetAsync($"/api/v1/cases/{slug}", Ct));
        using var stale = await SendWithTagAsync(HttpMethod.Delete, $"/api/v1/cases/{slug}/lists/csis-survey", etag);
        using var delete = await SendWithTagAsync(HttpMethod.Delete, $"/api/v1/cases/{slug}/lists/csis-survey", put.Headers.ETag!);
        var afterDelete = await ReadObjectAsync(await Client.GetAsync($"/api/v1/cases/{slug}", Ct));

        Assert.Equal(HttpStatusCode.PreconditionRequired, withoutTag.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal(["csis-survey"], afterPut["listedIn"]!.AsArray().Select(l => (string?)l));
        Assert.Equal(["CSIS-1", "CSIS-2"], afterPut["listEvidence"]!.AsArray().Select(e => (string?)e!["reference"]));
        Assert.All(afterPut["listEvidence"]!.AsArray(), e => Assert.Equal("manual", (string?)e!["matchMethod"]));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Empty(afterDelete["listedIn"]!.AsArray());
        Assert.Empty(afterDelete["listEvidence"]!.AsArray());
    }

    [Fact]
    public async Task An_upload_naming_a_column_the_file_lacks_is_refused_and_a_bad_date_is_a_row_error()
    {
        await PutListAsync("doj");
        var csv = "url,date,defendants\r\nhttps://x.example/1,2020-01-02,John Smith\r\nhttps://x.example/2,someday,Wei Li\r\n";

        using var missing = await PostEntriesAsync("doj", "reference=url&names=people", csv, "text/csv");
        using var dry = await PostEntriesAsync("doj", "dryRun=true&reference=url&names=defendants&date=date", csv, "text/csv");
        var report = await ReadOkAsync(dry);

        await Problems.AssertAsync(missing, HttpStatusCode.BadRequest);
        Assert.Equal(1, (int)report["created"]!);
        Assert.Equal(1, (int)report["rejected"]!);
        Assert.Equal("date", (string?)report["errors"]![0]!["column"]);
        Assert.Empty(await EntriesAsync("doj", null));
    }

    [Fact]
    public async Task An_entry_about_no_case_drafts_a_case_that_once_completed_and_created_is_accepted_for_it()
    {
        await PutListAsync("doj");
        var csv = "url,date,defendants,title,district\r\n"
            + "https://www.justice.gov/opa/pr/x-1,2019-06-14,\"Kevin Mallory, Xuehua Peng\",Two charged over secrets,E.D. Va.\r\n";
        await ReadOkAsync(await PostEntriesAsync("doj",
            "reference=url&names=defendants&date=date&headline=title&places=district&nameOrder=GivenFirst", csv, "text/csv"));
        var entry = (await EntriesAsync("doj", null)).Single();

        var draft = await ReadOkAsync(await Client.GetAsync($"/api/v1/source-lists/doj/entries/{entry["id"]}/case-draft", Ct));
        using var unknown = await Client.GetAsync($"/api/v1/source-lists/doj/entries/{Guid.NewGuid()}/case-draft", Ct);
        foreach (var (name, value) in CaseSamples.Minimal("drafted").Where(p => p.Key is not "title")) draft[name] = value?.DeepClone();
        var (created, _) = await CreateCaseAsync(draft);
        await DecideAsync("doj", entry, "accept", "drafted");
        var linked = (await EntriesAsync("doj", null)).Single();

        Assert.Equal("Two charged over secrets", (string?)created["title"]);
        Assert.Equal(["Kevin Mallory", "Xuehua Peng"], created["defendants"]!.AsArray().Select(d => (string?)d));
        Assert.Equal(["VA"], created["usStates"]!.AsArray().Select(s => (string?)s));
        Assert.Equal("2019-06-14", (string?)created["chargedOn"]);
        Assert.Equal("https://www.justice.gov/opa/pr/x-1", (string?)created["sources"]![0]!["url"]);
        Assert.Equal(["doj"], created["listedIn"]!.AsArray().Select(l => (string?)l));
        Assert.Equal("https://www.justice.gov/opa/pr/x-1", (string?)created["listEvidence"]![0]!["reference"]);
        await Problems.AssertAsync(unknown, HttpStatusCode.NotFound);
        Assert.Equal("linked", (string?)linked["status"]);
        Assert.Equal("drafted", AcceptedSlug(linked));
    }

    /// <summary>
    /// Brings every entry to its true state by hand: a wrong link rejected, the true case accepted (found by slug even
    /// when the blocker missed it), the suggestions for an entry about no case rejected.
    /// </summary>
    private async Task ReviewFromTruthAsync(LinkageCorpus corpus, List<(string List, List<JsonNode> Entries)> entries)
    {
        foreach (var (list, listEntries) in entries)
        {
            foreach (var entry in listEntries)
            {
                var truth = corpus.Truth[(list, (string)entry["reference"]!)];
                var current = AcceptedSlug(entry);
                if (current is null && truth is null)
                {
                    foreach (var suggested in entry["candidates"]!.AsArray().Where(c => (bool)c!["suggested"]!))
                    {
                        await DecideAsync(list, entry, "reject", (string)suggested!["slug"]!);
                    }
                }
                if (current == truth) continue;
                if (current is not null) await DecideAsync(list, entry, "reject", current);
                if (truth is not null) await DecideAsync(list, entry, "accept", truth);
            }
        }
    }

    private async Task DecideAsync(string list, JsonNode entry, string decision, string slug)
    {
        using var response = await Client.PostAsJsonAsync($"/api/v1/source-lists/{list}/entries/{entry["id"]}/{decision}", new { Case = slug }, Ct);
        await ReadOkAsync(response);
    }

    private static string? AcceptedSlug(JsonNode entry) =>
        (string?)entry["candidates"]!.AsArray().FirstOrDefault(c => (string?)c!["decision"] == "accepted")?["slug"];

    /// <summary>Creates the corpus's lists and cases, then uploads the first <paramref name="lists"/> list files.</summary>
    private async Task SeedCorpusAsync(int seed, int lists = 3)
    {
        var cases = JsonNode.Parse(RepositoryFiles.Read($"{LinkageCorpus.Folder(seed)}/{CorpusGenerator.CasesFile}"))!.AsArray();
        var body = new JsonArray([.. cases.Select(c =>
        {
            var record = CaseSamples.Minimal((string)c!["slug"]!);
            foreach (var (name, value) in c.AsObject().Where(p => p.Key != "sources")) record[name] = value?.DeepClone();
            record["sources"] = new JsonArray([.. c["sources"]!.AsArray().Select(s => new JsonObject { ["url"] = s!["url"]!.DeepClone() })]);
            return (JsonNode)record;
        })]);
        using var import = await Client.PostAsync("/api/v1/imports", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(cases.Count, (int)(await ReadOkAsync(import))["created"]!);
        foreach (var upload in Uploads.Take(lists))
        {
            await PutListAsync(upload.List);
            var report = await UploadAsync(upload, seed, withMapping: true);
            Assert.Equal(0, (int)report["rejected"]!);
        }
    }

    private async Task PutListAsync(string code)
    {
        using var response = await Client.PutAsJsonAsync($"/api/v1/source-lists/{code}", new { Name = $"The {code} list" }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<JsonObject> UploadAsync((string List, string File, string MediaType, string Mapping) upload, int seed, bool withMapping)
    {
        var text = RepositoryFiles.Read($"{LinkageCorpus.Folder(seed)}/{upload.File}");
        using var response = await PostEntriesAsync(upload.List, withMapping ? upload.Mapping : "", text, upload.MediaType);
        return await ReadOkAsync(response);
    }

    private Task<HttpResponseMessage> PostEntriesAsync(string list, string query, string body, string mediaType) =>
        Client.PostAsync($"/api/v1/source-lists/{list}/entries?{query}", new StringContent(body, Encoding.UTF8, mediaType), Ct);

    /// <summary>Every entry of the list (with the status, when given), following the pages.</summary>
    private async Task<List<JsonNode>> EntriesAsync(string list, string? status)
    {
        var all = new List<JsonNode>();
        string? after = null;
        do
        {
            var query = $"limit=1000{(status is null ? "" : $"&status={status}")}{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}";
            using var response = await Client.GetAsync($"/api/v1/source-lists/{list}/entries?{query}", Ct);
            var page = await ReadOkAsync(response);
            all.AddRange(page["items"]!.AsArray().Select(i => i!));
            after = (string?)page["nextAfter"];
        }
        while (after is not null);
        return all;
    }

    private async Task<HttpResponseMessage> SendWithTagAsync(
        HttpMethod method, string uri, System.Net.Http.Headers.EntityTagHeaderValue etag, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.IfMatch.Add(etag);
        return await Client.SendAsync(request, Ct);
    }

    private async Task<JsonObject> ReadOkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"{(int)response.StatusCode}: {text}\n{string.Join("\n", Api.Logs.Events.Where(e => e.Exception is not null).Select(e => e.Exception))}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
