using System.Net;
using CaseApi.Client;
using CaseApi.Client.Models;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Clients;

/// <summary>The client package's helpers against the running service: paging, 412 recovery, the mirror and its long poll.</summary>
public sealed class ClientPackageTests(CaseApiFactory api) : ClientTest(api)
{
    [Fact]
    public async Task Paging_enumerates_every_case_exactly_once_across_pages()
    {
        var created = new List<string>();
        for (var i = 1; i <= 7; i++) created.Add((string)(await CreateCaseAsync(CaseSamples.Minimal($"paged-case-{i}"))).Body["id"]!);
        var recorder = new RecordingHandler();
        var client = Connect(new CaseApiConnectionOptions { InnerHandler = recorder }).Client;

        var listed = await client.Api.V1.Cases.ListAllAsync(q => q.Limit = 2, Ct).ToListAsync(Ct);

        Assert.Equal(created.Order(), listed.Select(c => c.Id!.Value.ToString()).Order());
        Assert.Equal(4, recorder.Exchanges.Count(e => e.Path.StartsWith("/api/v1/cases?", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_412_makes_UpdateAsync_read_again_and_apply_the_change_to_the_fresh_version()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal("contested-case"));
        var id = (string)created["id"]!;
        // Another writer changes the case between the helper's read and its write.
        var recorder = new RecordingHandler { BeforeFirst = () => PatchAsOtherWriterAsync(id, """{"summary": "Another writer's summary."}""") };
        var client = Connect(new CaseApiConnectionOptions { InnerHandler = recorder }).Client;
        var seen = new List<CaseResponse>();

        var updated = await client.Api.V1.Cases[id].UpdateAsync(c =>
        {
            seen.Add(c);
            return new Dictionary<string, object?> { ["title"] = $"{c.Title} (edited)", ["tags"] = new[] { $"seen-{seen.Count}" } };
        }, cancellationToken: Ct);

        Assert.Equal([HttpStatusCode.PreconditionFailed, HttpStatusCode.OK],
            recorder.Exchanges.Where(e => e.Method == HttpMethod.Patch).Select(e => e.Status));
        Assert.Equal([null, "Another writer's summary."], seen.Select(c => c.Summary));
        Assert.Equal("A test case (edited)", updated.Title);
        Assert.Equal("Another writer's summary.", updated.Summary);
        Assert.Equal(["seen-2"], updated.Tags!);
    }

    [Fact]
    public async Task The_mirror_equals_GET_cases_after_creates_edits_deletes_and_a_policy_mapping_edit()
    {
        await CreateCaseAsync(SpaceCase("space-case-1"));
        var (doomed, doomedTag) = await CreateCaseAsync(SpaceCase("space-case-2"));
        var (edited, editedTag) = await CreateCaseAsync(CaseSamples.Full("full-case"));
        var client = Connect().Client;
        var mirror = new CaseMirror(client) { PageSize = 2 };
        var stale = new CaseMirror(client);

        Assert.Equal(3, await mirror.LoadAsync(Ct));
        await stale.LoadAsync(Ct);
        await CreateCaseAsync(SpaceCase("space-case-3"));
        using var patched = await Client.MergePatchAsync($"/api/v1/cases/{edited["id"]}", """{"title": "Renamed", "fineUsd": null}""", editedTag);
        using var deleted = await DeleteAsync((string)doomed["id"]!, doomedTag);
        await DropSpaceFromTheRoadmapAsync();
        var applied = await mirror.FollowAsync(cancellationToken: Ct);
        var service = CaseMirror.Normalise(await client.Api.V1.Cases.ListAllAsync(q => q.Limit = 1, Ct).ToListAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(5, applied);   // a create, an update, a delete, and a realign for each of the two remaining space cases
        Assert.Equal(service, mirror.Normalised());
        Assert.NotEqual(service, stale.Normalised());
        Assert.All(mirror.Cases.Values.Where(c => c.Slug!.StartsWith("space-", StringComparison.Ordinal)),
            c => Assert.DoesNotContain("space2050", c.AlignedPolicies!));
        Assert.Contains("space2050", stale.Cases.Values.First(c => c.Slug == "space-case-1").AlignedPolicies!);
    }

    [Fact]
    public async Task A_long_poll_wakes_on_a_write_and_an_unchanged_feed_answers_304()
    {
        var recorder = new RecordingHandler();
        var mirror = new CaseMirror(Connect(new CaseApiConnectionOptions { InnerHandler = recorder }).Client);
        await mirror.LoadAsync(Ct);
        var idle = await mirror.FollowAsync(cancellationToken: Ct);
        var started = DateTimeOffset.UtcNow;

        var waiting = mirror.FollowAsync(waitSeconds: 30, Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        await CreateCaseAsync(CaseSamples.Minimal("awaited-case"));
        var woken = await waiting;
        var again = await mirror.FollowAsync(cancellationToken: Ct);
        var unchanged = await mirror.FollowAsync(cancellationToken: Ct);

        Assert.Equal(0, idle);
        Assert.Equal(1, woken);
        Assert.InRange(DateTimeOffset.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        Assert.Equal(0, again + unchanged);
        Assert.Equal(HttpStatusCode.NotModified, recorder.Exchanges[^1].Status);
        Assert.Equal("awaited-case", Assert.Single(mirror.Cases.Values).Slug);
    }

    private async Task PatchAsOtherWriterAsync(string id, string patch)
    {
        using var current = await Client.GetAsync($"/api/v1/cases/{id}", Ct);
        using var written = await Client.MergePatchAsync($"/api/v1/cases/{id}", patch, current.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
    }

    private async Task<HttpResponseMessage> DeleteAsync(string id, System.Net.Http.Headers.EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/cases/{id}");
        request.Headers.IfMatch.Add(etag);
        return await Client.SendAsync(request, Ct);
    }
}
