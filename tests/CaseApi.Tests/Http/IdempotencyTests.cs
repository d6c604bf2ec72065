using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Http;

/// <summary>Idempotency-Key on POST: a retry gets the first answer without writing again; another request with the key is refused.</summary>
public sealed class IdempotencyTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_retry_with_the_same_key_and_body_gets_the_first_answer_and_writes_once()
    {
        var key = Guid.NewGuid().ToString();

        using var first = await PostCaseAsync(CaseSamples.Minimal("once"), key);
        using var retry = await PostCaseAsync(CaseSamples.Minimal("once"), key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.Equal((string?)(await ReadObjectAsync(first))["id"], (string?)(await ReadObjectAsync(retry))["id"]);
        Assert.Equal(1, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_idempotency_key_reused()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await PostCaseAsync(CaseSamples.Minimal("first"), key);

        using var other = await PostCaseAsync(CaseSamples.Minimal("second"), key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var problem = await Problems.AssertAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("idempotency-key-reused", (string?)problem["code"]);
        Assert.Equal(1, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
    }

    [Fact]
    public async Task Two_requests_with_the_same_key_at_once_write_once()
    {
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(PostCaseAsync(CaseSamples.Minimal("racing"), key), PostCaseAsync(CaseSamples.Minimal("racing"), key));

        // The second either waited for nothing (the first had finished: its answer again) or met the first still running.
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await Problems.AssertAsync(response, HttpStatusCode.Conflict);
            Assert.Equal("idempotency-key-in-flight", (string?)problem["code"]);
            Assert.NotNull(response.Headers.RetryAfter);
        }
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(1, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
        foreach (var response in responses) response.Dispose();
    }

    [Fact]
    public async Task An_answer_that_is_not_kept_lets_a_corrected_retry_with_the_key_run()
    {
        var key = Guid.NewGuid().ToString();
        var invalid = CaseSamples.Minimal("corrected");
        invalid.Remove("title");

        using var refused = await PostCaseAsync(invalid, key);
        using var corrected = await PostCaseAsync(CaseSamples.Minimal("corrected"), key);

        await Problems.AssertAsync(refused, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
    }

    [Fact]
    public async Task Keys_belong_to_the_api_key_that_sent_them()
    {
        var key = Guid.NewGuid().ToString();
        var other = await ClientForRoleAsync("editor");
        using var first = await PostCaseAsync(CaseSamples.Minimal("mine"), key);

        using var theirs = await PostCaseAsync(CaseSamples.Minimal("mine"), key, other);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        // Not the first client's answer: the request ran, and found the slug taken.
        var problem = await Problems.AssertAsync(theirs, HttpStatusCode.Conflict);
        Assert.Equal("slug-taken", (string?)problem["code"]);
    }

    [Fact]
    public async Task Every_post_declares_the_idempotency_key_header()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);
        var document = await ReadObjectAsync(response);

        var posts = document["paths"]!.AsObject().Select(p => (Path: p.Key, Post: p.Value!["post"])).Where(p => p.Post is not null).ToList();

        Assert.NotEmpty(posts);
        foreach (var (path, post) in posts)
        {
            Assert.True(post!["parameters"]?.AsArray().Any(p => (string?)p!["name"] == "Idempotency-Key" && (string?)p["in"] == "header") == true,
                $"POST {path} does not declare Idempotency-Key.");
        }
    }

    [Fact]
    public async Task A_retried_list_upload_gets_the_first_report_and_another_file_with_the_key_is_422()
    {
        await SeedListAsync();
        var key = Guid.NewGuid().ToString();

        using var first = await UploadAsync(EntriesCsv("https://example.org/pr/1"), key);
        using var retry = await UploadAsync(EntriesCsv("https://example.org/pr/1"), key);
        using var other = await UploadAsync(EntriesCsv("https://example.org/pr/2"), key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        // Run again, the upload would report the entry unchanged; the retry is the first answer, entry created.
        Assert.Equal(1, (int)(await ReadObjectAsync(retry))["created"]!);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await retry.Content.ReadAsStringAsync(Ct));
        var problem = await Problems.AssertAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("idempotency-key-reused", (string?)problem["code"]);
        Assert.Equal(1, await WithDbAsync(db => db.ListEntries.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_retried_review_decision_gets_the_first_answer_and_another_case_with_the_key_is_422()
    {
        await SeedListAsync();
        using var upload = await UploadAsync(EntriesCsv("https://example.org/pr/1"), key: null);
        var entry = await WithDbAsync(db => db.ListEntries.SingleAsync(Ct));
        var key = Guid.NewGuid().ToString();
        var decide = $"/api/v1/source-lists/press/entries/{entry.Id}";

        using var first = await PostWithKeyAsync($"{decide}/accept", JsonContent.Create(new { Case = "mallory" }), key);
        using var retry = await PostWithKeyAsync($"{decide}/accept", JsonContent.Create(new { Case = "mallory" }), key);
        using var other = await PostWithKeyAsync($"{decide}/accept", JsonContent.Create(new { Case = "chung" }), key);
        using var bulk = await PostWithKeyAsync("/api/v1/source-lists/press/entries/accept", JsonContent.Create(new { Threshold = -100 }), key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await retry.Content.ReadAsStringAsync(Ct));
        // Without the key, linking the entry to a second case is a 409; with it, the key's other request is refused first.
        Assert.Equal("idempotency-key-reused", (string?)(await Problems.AssertAsync(other, HttpStatusCode.UnprocessableEntity))["code"]);
        Assert.Equal("idempotency-key-reused", (string?)(await Problems.AssertAsync(bulk, HttpStatusCode.UnprocessableEntity))["code"]);
        Assert.Equal(1, await WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == "update", Ct)));
    }

    private async Task SeedListAsync()
    {
        foreach (var slug in new[] { "mallory", "chung" })
        {
            using var created = await Client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(slug), Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using var list = await Client.PutAsJsonAsync("/api/v1/source-lists/press", new { Name = "Press releases" }, Ct);
        Assert.True(list.IsSuccessStatusCode, await list.Content.ReadAsStringAsync(Ct));
    }

    private static string EntriesCsv(string url) => $"url,defendants,date,title\n{url},Kevin Mallory,2017-06-22,Mallory charged\n";

    private Task<HttpResponseMessage> UploadAsync(string csv, string? key) =>
        PostWithKeyAsync("/api/v1/source-lists/press/entries?reference=url&names=defendants&date=date&headline=title",
            new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"), key);

    private async Task<HttpResponseMessage> PostWithKeyAsync(string uri, HttpContent content, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await Client.SendAsync(request, Ct);
    }

    private async Task<HttpResponseMessage> PostCaseAsync(JsonObject body, string key, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await (client ?? Client).SendAsync(request, Ct);
    }
}
