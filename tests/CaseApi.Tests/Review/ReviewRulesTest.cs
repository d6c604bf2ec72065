using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Entities;
using CaseApi.Infrastructure.Errors;
using CaseApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CaseApi.Tests.Review;

/// <summary>What a write does for one role in one mode: the cells of the table in docs/guides/review.md.</summary>
public enum Outcome { Publishes, Proposal, Refused }

/// <summary>
/// The table of docs/guides/review.md, one test per cell: each row of the table is a write path, each derived class a mode
/// (a service started with that Review:Mode), and each cell says what the write does for an editor and for an admin. A
/// cell passes only if the write really publishes (the store changed), really became a proposal (202, a pending proposal,
/// the store unchanged) or was really refused (403 review-required, the store unchanged).
/// </summary>
public abstract class ReviewRulesTest(CaseApiFactory api) : ApiTest(api)
{
    /// <summary>The rows: a write path, and whether editors may use it at all (otherwise only admins).</summary>
    public static readonly string[] Rows =
    [
        "case-create", "case-replace", "case-patch", "case-delete", "import", "delete-by-filter", "list-membership",
        "link-acceptance", "entity-create", "entity-merge", "entity-redact", "reference-data", "release", "api-key",
    ];

    private static readonly HashSet<string> EditorRows =
        ["case-create", "case-replace", "case-patch", "case-delete", "list-membership", "link-acceptance", "entity-create", "entity-merge"];

    protected async Task AssertCellAsync(string row, Outcome? editor, Outcome admin)
    {
        Assert.Equal(EditorRows.Contains(row), editor is not null);
        if (editor is { } expected) await AssertWriteAsync(row, "editor", expected);
        await AssertWriteAsync(row, "admin", admin);
    }

    private async Task AssertWriteAsync(string row, string role, Outcome expected)
    {
        await Api.ResetDatabaseAsync();
        var client = role == "admin" ? Client : await ClientForRoleAsync(role);
        var seeded = await SeedCaseAsync("seeded-case");
        await SeedEntitiesAsync();
        var before = await StateAsync();

        using var response = await WriteAsync(row, client, seeded);

        var text = await response.Content.ReadAsStringAsync(Ct);
        switch (expected)
        {
            case Outcome.Publishes:
                Assert.True(response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Accepted, $"{row} as {role}: {(int)response.StatusCode} {text}");
                // With no list entries to decide, an accepted bulk decision changes nothing: its cell shows that it ran.
                if (row != "link-acceptance") Assert.NotEqual(before, await StateAsync());
                Assert.Equal(0, await WithDbAsync(db => db.Proposals.CountAsync(Ct)));
                break;
            case Outcome.Proposal:
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{row} as {role}: {(int)response.StatusCode} {text}");
                Assert.StartsWith("/api/v1/proposals/", response.Headers.Location?.ToString());
                Assert.Equal("pending", (string?)JsonNode.Parse(text)!["status"]);
                Assert.Equal(before, await StateAsync());
                break;
            default:
                var problem = await Problems.AssertAsync(response, HttpStatusCode.Forbidden);
                Assert.Equal(ProblemCodes.ReviewRequired, (string?)problem["code"]);
                Assert.Equal(before, await StateAsync());
                break;
        }
    }

    /// <summary>Everything a write path of the table may change, as one comparable text.</summary>
    private Task<string> StateAsync() => WithDbAsync(async db => string.Join("|",
        string.Join(",", await db.Cases.OrderBy(c => c.Slug).Select(c => c.Slug + ":" + c.Title + ":" + c.Version).ToListAsync(Ct)),
        string.Join(",", await db.Entities.OrderBy(e => e.Slug).Select(e => e.Slug + ":" + e.Name + ":" + e.MergedInto).ToListAsync(Ct)),
        string.Join(",", await db.Sectors.OrderBy(s => s.Code).Select(s => s.Name).ToListAsync(Ct)),
        await db.ApiKeys.CountAsync(Ct), await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM releases").SingleAsync(Ct)));

    /// <summary>A case written straight into the store (so that seeding works in every mode), and its ETag.</summary>
    protected async Task<(Guid Id, EntityTagHeaderValue ETag)> SeedCaseAsync(string slug)
    {
        var json = Api.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var request = CaseSamples.Minimal(slug);
        request["tags"] = new JsonArray("seeded");
        var entity = request.Deserialize<CaseRequest>(json)!.ToNewCase(DateTimeOffset.UtcNow);
        await WithDbAsync(async db =>
        {
            db.Cases.Add(entity);
            return await db.SaveChangesAsync(Ct);
        });
        var version = await WithDbAsync(db => db.Cases.Where(c => c.Id == entity.Id).Select(c => c.Version).SingleAsync(Ct));
        return (entity.Id, new EntityTagHeaderValue($"\"{version}\""));
    }

    /// <summary>Two spellings of one company and a person, written straight into the store: what merge and redaction act on.</summary>
    private Task<int> SeedEntitiesAsync() => WithDbAsync(db =>
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (slug, kind, name) in new[] { ("acme-aero", "company", "Acme Aero"), ("acme-aerospace", "company", "Acme Aerospace"),
            ("jane-roe", "person", "Jane Roe") })
        {
            db.Entities.Add(new Entity
            {
                Id = Guid.NewGuid(), Slug = slug, Kind = kind, Name = name, MatchKeys = EntityNames.MatchKeys(kind, name, []),
                CreatedAt = now, UpdatedAt = now,
            });
        }
        return db.SaveChangesAsync(Ct);
    });

    private static async Task<HttpResponseMessage> WriteAsync(string row, HttpClient client, (Guid Id, EntityTagHeaderValue ETag) seeded)
    {
        var path = $"/api/v1/cases/{seeded.Id}";
        switch (row)
        {
            case "case-create":
                return await client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("new-case"), Ct);
            case "case-replace":
                var replacement = CaseSamples.Minimal("seeded-case");
                replacement["title"] = "Replaced";
                return await client.PutAsync(path, replacement, seeded.ETag);
            case "case-patch":
                return await client.MergePatchAsync(path, """{"title":"Patched"}""", seeded.ETag);
            case "case-delete":
                return await client.DeleteAsync(path, seeded.ETag);
            case "import":
                using (var content = new StringContent(CaseSamples.Minimal("imported-case").ToJsonString() + "\n", Encoding.UTF8))
                {
                    content.Headers.ContentType = new("application/x-ndjson");
                    return await client.PostAsync("/api/v1/imports", content, Ct);
                }
            case "delete-by-filter":
                using (var preview = await client.DeleteAsync("/api/v1/cases?tag=seeded&dryRun=true", Ct))
                {
                    if (!preview.IsSuccessStatusCode) return await Copy(preview);
                    var token = (string)(await ReadObjectAsync(preview))["token"]!;
                    return await client.DeleteAsync($"/api/v1/cases?tag=seeded&token={Uri.EscapeDataString(token)}", Ct);
                }
            case "list-membership":
                return await SendAsync(client, HttpMethod.Put, $"{path}/lists/csis-survey", """{"references":["ref-1"]}""", seeded.ETag);
            case "link-acceptance":
                return await client.PostAsJsonAsync("/api/v1/source-lists/csis-survey/entries/accept", new { threshold = 0.0 }, Ct);
            case "entity-create":
                return await client.PostAsJsonAsync("/api/v1/entities", new { name = "Acme Aerospace", kind = "company" }, Ct);
            case "entity-merge":
                return await client.PostAsJsonAsync("/api/v1/entities/acme-aero/merge", new { into = "acme-aerospace" }, Ct);
            case "entity-redact":
                return await client.PostAsJsonAsync("/api/v1/entities/jane-roe/redact", new { reason = "A request under the privacy policy." }, Ct);
            case "reference-data":
                return await SendAsync(client, HttpMethod.Put, "/api/v1/sectors/aerospace", """{"name":"Aerospace and defence"}""", null);
            case "release":
                return await client.PostAsJsonAsync("/api/v1/releases", new { name = "review-test", description = "A release in a review test." }, Ct);
            default:
                return await client.PostAsJsonAsync("/api/v1/api-keys", new { name = "review-test-key", role = "reader" }, Ct);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string body, EntityTagHeaderValue? ifMatch)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (ifMatch is not null) request.Headers.IfMatch.Add(ifMatch);
        return await client.SendAsync(request, Ct);
    }

    // A refused dry run is the answer of the whole delete: returned as it came, for the cell to judge.
    private static Task<HttpResponseMessage> Copy(HttpResponseMessage response)
    {
        var copy = new HttpResponseMessage(response.StatusCode) { Content = response.Content };
        response.Content = null;
        return Task.FromResult(copy);
    }
}
