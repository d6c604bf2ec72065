using System.Globalization;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using CsCheck;

namespace CaseApi.Tests.Properties;

/// <summary>
/// Zero 5xx from any request a client can send: sequences of requests generated from the published contract, each
/// sequence on a freshly reset store with two cases. Every answer is a 2xx, a 304, or a 4xx RFC 9457 problem with all
/// five members, and a 4xx writes nothing. CI runs CASEAPI_FUZZ_SEQUENCES sequences (default 40, under a minute);
/// a failure prints the seed that replays it: CsCheck_Seed=&lt;seed&gt; scripts/test.sh --filter ContractFuzz.
/// </summary>
public sealed class ContractFuzzTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task No_request_generated_from_the_contract_gets_a_5xx_or_writes_on_a_4xx()
    {
        var sequences = long.Parse(Environment.GetEnvironmentVariable("CASEAPI_FUZZ_SEQUENCES") ?? "40", CultureInfo.InvariantCulture);
        var seed = Environment.GetEnvironmentVariable("CsCheck_Seed");
        var statuses = new Dictionary<int, int>();
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"Fuzzing {ContractOperation.All.Count} operations: {sequences} sequences, seed {seed ?? "(random; a failure prints its own)"}.");

        await RequestGenerators.Sequence.SampleAsync(
            sequence => RunAsync(sequence, statuses),
            writeLine: line => output?.WriteLine(line), seed: seed, iter: sequences, threads: 1,
            print: sequence => string.Join("\n", sequence));

        output?.WriteLine($"Statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
    }

    private async Task RunAsync(List<FuzzRequest> sequence, Dictionary<int, int> statuses)
    {
        await Api.ResetDatabaseAsync();
        var (seeded, _) = await CreateCaseAsync(CaseSamples.Minimal("fuzz-one"));
        await CreateCaseAsync(CaseSamples.Full("fuzz-two"));
        var before = await StoreChecksum.ComputeAsync(Api.ConnectionString, Ct);
        foreach (var request in sequence)
        {
            using var message = ToMessage(request, (string)seeded["id"]!);
            if (message is null) continue;
            using var response = await (request.Authenticated ? Client : AnonymousClient()).SendAsync(message, Ct);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var after = await StoreChecksum.ComputeAsync(Api.ConnectionString, Ct);
            await AssertAnswerAsync(request, response, changed: before != after);
            if (status >= 400 && response.Headers.TryGetValues("X-Request-Id", out var ids)) await AssertLoggedAsync(request, ids.Single(), status);
            before = after;
        }
    }

    /// <summary>
    /// The properties a log line names an HTTP status by: the request line's and the problem handler's. Only numbers count:
    /// an import's log line names its outcome ("rejected") by Status too.
    /// </summary>
    private static readonly string[] StatusProperties = ["StatusCode", "Status"];

    /// <summary>
    /// The log tells the truth about a problem: the request's line carries the status the client got, no line of the
    /// request names another status, and a 4xx (the client's doing) is never logged as an error.
    /// </summary>
    private async Task AssertLoggedAsync(FuzzRequest request, string requestId, int status)
    {
        if (!await Api.Logs.WaitForRequestLinesAsync(Ct, requestId)) throw new InvalidOperationException($"No request line: {request}");
        var answered = status.ToString(CultureInfo.InvariantCulture);
        var lines = Api.Logs.Events.Where(e => e.Properties.GetValueOrDefault("RequestId")?.ToString() == $"\"{requestId}\"");
        foreach (var line in lines)
        {
            var logged = StatusProperties.Select(p => line.Properties.GetValueOrDefault(p)?.ToString()).OfType<string>()
                .Where(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out _));
            if (logged.Any(l => l != answered) || (status < 500 && line.Level >= Serilog.Events.LogEventLevel.Error))
            {
                throw new InvalidOperationException($"Answered {status}, logged {line.Level} '{line.RenderMessage()}': {request}");
            }
        }
    }

    /// <summary>The invariant: 2xx or 304, or a 4xx problem with all five members that changed nothing.</summary>
    internal static async Task AssertAnswerAsync(FuzzRequest request, HttpResponseMessage response, bool changed)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300 or 304) return;
        var text = await response.Content.ReadAsStringAsync(Ct);
        var why = $"{request}\n=> {status}: {text[..Math.Min(text.Length, 500)]}";
        if (status >= 500) throw new InvalidOperationException($"5xx: {why}");
        if (status is < 400) throw new InvalidOperationException($"Unexpected status: {why}");
        if (changed) throw new InvalidOperationException($"A {status} wrote to the store: {why}");
        // Kestrel refuses some requests before any application code runs, with an empty body: a NUL in the path (400), a
        // request line over its 8 KiB limit (414), oversized headers (431). The service's own answers carry X-Request-Id.
        if (status is 400 or 414 or 431 && text.Length == 0 && !response.Headers.Contains("X-Request-Id")) return;
        if (request.Operation.JsonErrorStatuses.Contains(status) && response.Content.Headers.ContentType?.MediaType == "application/json") return;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") throw new InvalidOperationException($"Not a problem: {why}");
        var problem = JsonNode.Parse(text)!.AsObject();
        foreach (var member in new[] { "type", "code", "title", "detail", "traceId" })
        {
            if (string.IsNullOrEmpty((string?)problem[member])) throw new InvalidOperationException($"Problem without '{member}': {why}");
        }
        if ((int?)problem["status"] != status) throw new InvalidOperationException($"Problem status differs: {why}");
    }

    /// <summary>The request as HttpClient sends it, or null when the client itself refuses it (not a server question).</summary>
    internal static HttpRequestMessage? ToMessage(FuzzRequest request, string seededId)
    {
        try
        {
            var message = new HttpRequestMessage(new HttpMethod(request.Operation.Method), request.Target.Replace(RequestGenerators.SeededId, seededId, StringComparison.Ordinal));
            foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
            if (request.Body is not null)
            {
                message.Content = new ByteArrayContent(request.Body);
                if (request.ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
            return message;
        }
        catch (UriFormatException)
        {
            return null;
        }
    }
}
