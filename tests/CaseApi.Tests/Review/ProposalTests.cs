using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Infrastructure.Errors;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Review;

/// <summary>
/// A proposal's life under Review:Mode editors: an editor (an editor key) proposes, an admin who is not the author (the
/// bootstrap admin key) approves or rejects, and the author withdraws. Reviewers who sign in as people are admitted by the
/// same policy (EndpointMatrixTests holds it).
/// </summary>
public sealed class ProposalTests(EditorsReviewFactory api) : ApiTest(api), IClassFixture<EditorsReviewFactory>
{
    [Fact]
    public async Task An_editors_patch_waits_in_the_queue_with_its_diff_and_an_approval_publishes_it_as_the_authors_change()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("queued-case"));
        var editor = await ClientForRoleAsync("editor");

        using var proposed = await editor.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title":"Proposed title"}""", etag);

        Assert.Equal(HttpStatusCode.Accepted, proposed.StatusCode);
        Assert.Equal("A test case", (string?)(await GetCaseAsync("queued-case"))["title"]);
        var queue = await ReadObjectAsync(await Client.GetAsync("/api/v1/proposals?status=pending", Ct));
        var item = Assert.Single(queue["items"]!.AsArray())!;
        Assert.Equal("patch", (string?)item["kind"]);
        Assert.Equal("""{"title":{"from":"A test case","to":"Proposed title"}}""", item["changes"]!.ToJsonString());
        var asProposed = await ReadObjectAsync(await Client.GetAsync($"{proposed.Headers.Location}/case", Ct));
        Assert.Equal("Proposed title", (string?)asProposed["title"]);

        using var approved = await Client.PostAsync($"{proposed.Headers.Location}/approve", null, Ct);

        var decision = await ReadObjectAsync(approved);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("approved", (string?)decision["status"]);
        Assert.Equal("Proposed title", (string?)(await GetCaseAsync("queued-case"))["title"]);
        var (author, reviewer) = ((string)decision["author"]!, (string)decision["decidedBy"]!);
        Assert.NotEqual(author, reviewer);
        var audit = await WithDbAsync(db => db.AuditEvents.OrderBy(e => e.Id).Select(e => new { e.Action, e.EntityType, e.Actor, e.RequestId }).ToListAsync(Ct));
        var update = Assert.Single(audit, e => e is { Action: "update", EntityType: "case" });
        var approval = Assert.Single(audit, e => e is { Action: "approve", EntityType: "proposal" });
        Assert.Equal(author, update.Actor);
        Assert.Equal(reviewer, approval.Actor);
        Assert.Equal(update.RequestId, approval.RequestId);
    }

    [Fact]
    public async Task Approving_a_proposal_whose_case_changed_since_is_a_conflict_with_both_versions_and_writes_nothing()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("contested-case"));
        var editor = await ClientForRoleAsync("editor");
        using var proposed = await editor.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title":"The editor's title"}""", etag);
        using var direct = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"summary":"The admin's summary"}""", etag);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);

        using var approved = await Client.PostAsync($"{proposed.Headers.Location}/approve", null, Ct);

        var problem = await Problems.AssertAsync(approved, HttpStatusCode.Conflict);
        Assert.Equal(ProblemCodes.ProposalConflict, (string?)problem["code"]);
        Assert.Equal(etag.Tag, (string?)problem["baseVersion"]);
        Assert.Equal(direct.Headers.ETag!.Tag, (string?)problem["currentVersion"]);
        Assert.Equal("The admin's summary", (string?)problem["current"]!["summary"]);
        Assert.Equal("The editor's title", (string?)problem["proposed"]!["title"]);
        var now = await GetCaseAsync("contested-case");
        Assert.Equal(("A test case", "The admin's summary"), ((string?)now["title"], (string?)now["summary"]));
        Assert.Equal("pending", (string?)(await ReadObjectAsync(await Client.GetAsync(proposed.Headers.Location, Ct)))["status"]);
    }

    [Fact]
    public async Task A_write_that_would_be_refused_directly_is_refused_as_a_proposal_and_nothing_is_stored()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal("taken-slug"));
        var editor = await ClientForRoleAsync("editor");

        using var taken = await editor.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("taken-slug"), Ct);
        using var unconditional = await editor.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title":"x"}""", null);

        Assert.Equal(ProblemCodes.SlugTaken, (string?)(await Problems.AssertAsync(taken, HttpStatusCode.Conflict))["code"]);
        await Problems.AssertAsync(unconditional, HttpStatusCode.PreconditionRequired);
        Assert.Equal(0, await WithDbAsync(db => db.Proposals.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_approved_create_makes_the_case_and_an_approved_delete_removes_it()
    {
        var editor = await ClientForRoleAsync("editor");
        using var create = await editor.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("proposed-case"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, create.StatusCode);

        var made = await ReadObjectAsync(await Client.PostAsync($"{create.Headers.Location}/approve", null, Ct));

        var published = await GetCaseAsync("proposed-case");
        Assert.Equal((string?)published["id"], (string?)made["caseId"]);
        var etag = (await Client.GetAsync("/api/v1/cases/proposed-case", Ct)).Headers.ETag!;
        using var deleteProposal = await editor.DeleteAsync($"/api/v1/cases/{published["id"]}", etag);
        Assert.Equal(HttpStatusCode.Accepted, deleteProposal.StatusCode);
        using var approved = await Client.PostAsync($"{deleteProposal.Headers.Location}/approve", null, Ct);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/v1/cases/proposed-case", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_rejection_needs_a_reason_a_decided_proposal_stays_decided_and_only_the_author_withdraws()
    {
        var editor = await ClientForRoleAsync("editor");
        using var first = await editor.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("rejected-case"), Ct);
        using var second = await editor.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("withdrawn-case"), Ct);

        using var noReason = await Client.PostAsJsonAsync($"{first.Headers.Location}/reject", new { reason = "" }, Ct);
        using var rejected = await Client.PostAsJsonAsync($"{first.Headers.Location}/reject", new { reason = "No source for the charge." }, Ct);
        using var late = await Client.PostAsync($"{first.Headers.Location}/approve", null, Ct);
        using var notTheAuthor = await Client.PostAsync($"{second.Headers.Location}/withdraw", null, Ct);
        using var withdrawn = await editor.PostAsync($"{second.Headers.Location}/withdraw", null, Ct);
        using var rejectedAgain = await Client.PostAsJsonAsync($"{first.Headers.Location}/reject", new { reason = "Twice." }, Ct);
        using var withdrawnAgain = await editor.PostAsync($"{second.Headers.Location}/withdraw", null, Ct);
        using var read = await Client.GetAsync(first.Headers.Location, Ct);

        await Problems.AssertFieldAsync(noReason, "reason");
        Assert.Equal("No source for the charge.", (string?)(await ReadObjectAsync(rejected))["reason"]);
        Assert.Equal(ProblemCodes.ProposalClosed, (string?)(await Problems.AssertAsync(late, HttpStatusCode.Conflict))["code"]);
        Assert.Equal(ProblemCodes.NotTheAuthor, (string?)(await Problems.AssertAsync(notTheAuthor, HttpStatusCode.Forbidden))["code"]);
        Assert.Equal("withdrawn", (string?)(await ReadObjectAsync(withdrawn))["status"]);
        Assert.Equal(ProblemCodes.ProposalClosed, (string?)(await Problems.AssertAsync(rejectedAgain, HttpStatusCode.Conflict))["code"]);
        Assert.Equal(ProblemCodes.ProposalClosed, (string?)(await Problems.AssertAsync(withdrawnAgain, HttpStatusCode.Conflict))["code"]);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("No source for the charge.", (string?)(await ReadObjectAsync(read))["reason"]);
        Assert.Equal(0, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
        Assert.Single(await WithDbAsync(db => db.AuditEvents.Where(e => e.Action == "reject").ToListAsync(Ct)));
    }

    // The history outlives the per-test reset: this test's names appear in no other test.
    [Fact]
    public async Task Readers_statistics_exports_releases_and_the_change_feed_see_only_published_data_and_readers_see_no_proposals()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("published-case"));
        var editor = await ClientForRoleAsync("editor");
        var reader = await ClientForRoleAsync("reader");
        using var create = await editor.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("unpublished-case"), Ct);
        using var patch = await editor.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title":"Unpublished title"}""", etag);
        using var release = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "with-pending", description = "Taken with proposals pending." }, Ct);
        Assert.Equal(HttpStatusCode.Created, release.StatusCode);
        string[] reads = ["/api/v1/cases", "/api/v1/stats/summary", "/api/v1/cases/export", "/api/v1/changes", "/api/v1/cases?release=with-pending"];

        foreach (var read in reads)
        {
            var body = await reader.GetStringAsync(read, Ct);
            Assert.DoesNotContain("unpublished-case", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Unpublished title", body, StringComparison.Ordinal);
        }
        Assert.Empty((await ReadObjectAsync(await reader.GetAsync("/api/v1/proposals", Ct)))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync(create.Headers.Location, Ct)).StatusCode);

        await Client.PostAsync($"{create.Headers.Location}/approve", null, Ct);
        Assert.Contains("unpublished-case", await reader.GetStringAsync("/api/v1/cases", Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("unpublished-case", await reader.GetStringAsync("/api/v1/cases?release=with-pending", Ct), StringComparison.Ordinal);
    }

    private async Task<JsonObject> GetCaseAsync(string slug) => await ReadObjectAsync(await Client.GetAsync($"/api/v1/cases/{slug}", Ct));
}
