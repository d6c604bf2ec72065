using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Security;

/// <summary>Hostile requests get a 4xx, never a 5xx, and change nothing.</summary>
public sealed class HostileInputTests(CaseApiFactory api) : ApiTest(api)
{
    private static readonly string Long = new('a', 5000);
    private const string Sql = "x'; DROP TABLE cases; --";

    public static TheoryData<string, string, string?, bool> Requests => new()
    {
        { "GET", $"/api/v1/cases/{Uri.EscapeDataString(Sql)}", null, true },
        { "GET", "/api/v1/cases/' OR '1'='1", null, true },
        { "GET", $"/api/v1/cases/{Long}", null, true },
        { "GET", "/api/v1/cases/a%00b", null, true },
        { "GET", "/api/v1/cases/%00", null, true },
        { "GET", $"/api/v1/cases?limit={Long}", null, true },
        { "GET", "/api/v1/cases?limit=-1", null, false },
        { "GET", $"/api/v1/cases?q={Uri.EscapeDataString(Sql)}&sector={Long}", null, false },
        { "GET", $"/api/v1/audit?actor={Uri.EscapeDataString(Sql)}", null, false },
        { "GET", $"/api/v1/audit?entityId={Long}", null, true },
        { "GET", "/api/v1/audit?actor=a%00b", null, true },
        { "GET", $"/api/v1/audit?cursor={Long}", null, true },
        { "GET", "/api/v1/audit?from=yesterday", null, true },
        { "GET", "/api/v1/audit?limit=99999999999999999999", null, true },
        { "GET", $"/api/v1/cases/{Guid.NewGuid()}/history?limit=-5", null, true },
        { "GET", $"/api/v1/cases/{Guid.NewGuid()}/history?cursor=%00", null, true },
        { "POST", "/api/v1/cases", "{\"slug\":\"nul-case\",\"title\":\"a\\u0000b\",\"activityTypes\":[\"espionage\"],\"collectorType\":\"other\",\"sectors\":[\"space\"],\"outcome\":\"charged\"}", true },
        { "POST", "/api/v1/cases", "{\"slug\":\"x'; DROP TABLE cases; --\"}", true },
        { "POST", "/api/v1/cases", "{\"sources\":" + new string('[', 5000) + new string(']', 5000) + "}", true },
        { "POST", "/api/v1/cases", "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 201), true },
        { "POST", "/api/v1/cases", $"{{\"slug\":\"{Long}\"}}", true },
        { "POST", "/api/v1/cases", "\u0000", true },
        { "POST", "/api/v1/api-keys", "{\"name\":\"x'); DELETE FROM api_keys; --\",\"role\":\"admin' OR '1'='1\"}", true },
        { "POST", "/api/v1/api-keys", $"{{\"name\":\"{Long}\",\"role\":\"reader\"}}", true },
        { "PUT", "/api/v1/sectors/aerospace", "{\"name\":\"a\\u0000\"}", true },
        { "PUT", "/api/v1/sectors/aerospace", "{\"name\":" + new string('[', 3000) + new string(']', 3000) + "}", true },
        { "PUT", $"/api/v1/sectors/{Long}", "{\"name\":\"x\"}", true },
        { "PUT", "/api/v1/policy-documents/mic2025", "{\"name\":\"x\",\"sectors\":[\"' OR 1=1 --\"]}", true },
        { "PUT", "/api/v1/sponsors/mss", "{\"name\":\"x\",\"type\":\"military\",\"parent\":\"mss\"}", true },
        { "DELETE", "/api/v1/sectors/' OR '1'='1", null, true },
        { "DELETE", $"/api/v1/api-keys/{Sql}", null, true },
        { "PUT", "/api/v1/cases", "{}", true },
        { "DELETE", "/api/v1/cases", null, true },
        { "POST", "/api/v1/audit", "{}", true },
        { "DELETE", "/api/v1/audit", null, true },
        { "PATCH", "/api/v1/api-keys", "{}", true },
        { "TRACE", "/api/v1/cases", null, true },
        { "POST", "/health/live", "{}", false },
    };

    /// <summary>
    /// Each hostile request, and whether it must be refused: an SQL fragment in a search filter is just text that
    /// matches nothing (200), a health probe answers any verb, and a list clamps its limit; none may be a 5xx.
    /// </summary>
    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_hostile_request_gets_no_5xx_and_changes_nothing(string method, string url, string? body, bool refused)
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Full());
        var before = await SnapshotAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await Client.SendAsync(request, Ct);

        Assert.InRange((int)response.StatusCode, refused ? 400 : 200, 499);
        Assert.Equal(before, await SnapshotAsync());
        using var still = await Client.GetAsync($"/api/v1/cases/{created["id"]}", Ct);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task A_NUL_byte_in_a_case_is_a_validation_error_naming_the_field()
    {
        var request = CaseSamples.Full();
        request["defendants"] = new JsonArray("Zhang\u0000Wei");
        request["sources"]![0]!["title"] = "Press\u0000release";

        using var response = await Client.PostAsync("/api/v1/cases", new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"), Ct);

        var problem = await Problems.AssertFieldAsync(response, "defendants[0]");
        Assert.NotNull(problem["errors"]!["sources[0].title"]);
    }

    private Task<string> SnapshotAsync() => WithDbAsync(async db => string.Join('|',
        await db.Cases.CountAsync(Ct), await db.ApiKeys.CountAsync(Ct), await db.Sectors.CountAsync(Ct), await db.Sponsors.CountAsync(Ct),
        await db.PolicyDocumentSectors.CountAsync(Ct), await db.AuditEvents.CountAsync(Ct),
        string.Join(',', await db.Sectors.OrderBy(s => s.Code).Select(s => s.Name).ToListAsync(Ct)),
        string.Join(',', await db.Cases.Select(c => c.Title + c.UpdatedAt).ToListAsync(Ct))));
}
