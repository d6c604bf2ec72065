using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Imports;

/// <summary>Posting import files in each format and reading their reports.</summary>
public abstract class ImportTest(CaseApiFactory api) : ApiTest(api)
{
    protected const string CsvType = "text/csv";
    protected const string JsonType = "application/json";
    protected const string NdjsonType = "application/x-ndjson";
    protected const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    protected async Task<HttpResponseMessage> ImportAsync(string body, string mediaType, string query = "", string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports" + query)
        {
            Content = new StringContent(body, Encoding.UTF8, mediaType),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await Client.SendAsync(request, Ct);
    }

    protected async Task<HttpResponseMessage> ImportAsync(byte[] body, string mediaType, string query = "")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await Client.PostAsync("/api/v1/imports" + query, content, Ct);
    }

    /// <summary>Posts the file and returns its report, failing when the status is not the expected one.</summary>
    protected Task<JsonObject> ImportReportAsync(string body, string mediaType, string query = "", HttpStatusCode expected = HttpStatusCode.OK) =>
        ImportReportAsync(Encoding.UTF8.GetBytes(body), mediaType, query, expected);

    protected async Task<JsonObject> ImportReportAsync(byte[] body, string mediaType, string query = "", HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await ImportAsync(body, mediaType, query);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    protected static string CsvHeader => string.Join(",", CaseCsv.Columns);

    /// <summary>One RFC 4180 record: every cell quoted, lists joined with ';', sources as their JSON array.</summary>
    protected static string CsvLine(JsonObject c) => string.Join(",", CaseCsv.Columns.Select(column => c[column] switch
    {
        null => "",
        JsonArray list when column == "sources" => Quote(list.ToJsonString()),
        JsonArray list => Quote(string.Join(";", list.Select(i => (string?)i))),
        JsonValue value when value.TryGetValue<string>(out var s) => Quote(s),
        var other => Quote(other.ToJsonString()),
    }));

    protected static string Csv(params IEnumerable<string> lines) => string.Join("\r\n", [CsvHeader, .. lines]) + "\r\n";

    protected static string Csv(params JsonObject[] cases) => Csv(cases.Select(CsvLine));

    protected static string Ndjson(params JsonObject[] cases) => string.Join("\n", cases.Select(c => c.ToJsonString())) + "\n";

    protected static string JsonArrayOf(params JsonObject[] cases) => new JsonArray([.. cases.Select(c => (JsonNode)c.DeepClone())]).ToJsonString();

    private static string Quote(string value) => $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>The report's errors as (row, field) pairs, to compare with exactly the ones expected.</summary>
    protected static HashSet<(int Row, string? Field)> ErrorsOf(JsonObject report) =>
        [.. report["errors"]!.AsArray().Select(e => ((int)e!["row"]!, (string?)e["field"]))];

    protected static void AssertCounts(JsonObject report, int received, int created, int updated, int unchanged, int rejected)
    {
        var actual = (received: (int)report["received"]!, created: (int)report["created"]!, updated: (int)report["updated"]!,
            unchanged: (int)report["unchanged"]!, rejected: (int)report["rejected"]!);
        Assert.True((received, created, updated, unchanged, rejected) == actual, $"Counts {actual}, report {report.ToJsonString()}");
    }

    protected Task<int> CountCasesAsync() => WithDbAsync(db => db.Cases.CountAsync(Ct));

    protected Task<int> CountAuditEventsAsync() => WithDbAsync(db => db.AuditEvents.CountAsync(Ct));

    protected async Task<EntityTagHeaderValue> ETagOfAsync(string slug)
    {
        using var response = await Client.GetAsync($"/api/v1/cases/{slug}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!;
    }

    protected static JsonObject Case(string slug) => CaseSamples.Full(slug);
}
