using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using CaseApi.Tests.Properties;

namespace CaseApi.Tests.Examples;

/// <summary>
/// The shipped examples run as a new user runs them, against the live service holding the bundled sample, and leave the
/// store and the reference data as they found them.
/// </summary>
public sealed partial class ExamplesTests(CaseApiFactory api) : ApiTest(api)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);
    }

    private string BaseUrl => Client.BaseAddress!.ToString().TrimEnd('/');

    [Fact]
    public async Task Every_request_of_examples_caseapi_http_succeeds_in_order_and_leaves_the_store_as_it_found_it()
    {
        var (variables, requests) = HttpFile.Parse(RepositoryFiles.Read("examples/caseapi.http"));
        variables["baseUrl"] = BaseUrl;
        variables["apiKey"] = CaseApiFactory.AdminKey;
        var responses = new Dictionary<string, HttpResponseMessage>();
        var bodies = new Dictionary<string, string>();
        var failures = new List<string>();
        using var client = new HttpClient();
        var before = await StoreChecksum.ComputeAsync(Api.ConnectionString, Ct);

        foreach (var request in requests)
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), HttpFile.Resolve(request.Url, variables, responses, bodies));
            if (request.Body is not null) message.Content = new StringContent(HttpFile.Resolve(request.Body, variables, responses, bodies), Encoding.UTF8);
            foreach (var (name, value) in request.Headers.Select(h => (h.Name, HttpFile.Resolve(h.Value, variables, responses, bodies))))
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) message.Content!.Headers.ContentType = new(value);
                else message.Headers.TryAddWithoutValidation(name, value);
            }
            var response = await client.SendAsync(message, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            if (!response.IsSuccessStatusCode && !IsKnownElsewhere(request, response)) failures.Add($"{request.Method} {request.Url} => {(int)response.StatusCode}: {body}");
            if (request.Name is { } named) (responses[named], bodies[named]) = (response, body);
            else response.Dispose();
        }

        Assert.True(requests.Count >= 40, $"Only {requests.Count} requests parsed from examples/caseapi.http.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await StoreChecksum.ComputeAsync(Api.ConnectionString, Ct));
        foreach (var response in responses.Values) response.Dispose();
    }

    /// <summary>
    /// The bundled sample records no source-list memberships, so coverage has nothing to estimate from and answers a 422
    /// problem; the coverage work owns both. Remove once the sample (or the example's lists) gives an estimate.
    /// </summary>
    private static bool IsKnownElsewhere(HttpFileRequest request, HttpResponseMessage response) =>
        request.Url.Contains("/stats/coverage", StringComparison.Ordinal) && (int)response.StatusCode == 422;

    [Fact]
    public async Task Every_curl_in_the_readme_and_docs_answers_without_a_5xx()
    {
        var results = await RunDocCurlsAsync();

        Assert.All(results, r => Assert.True(r.Status is > 0 and < 500, $"{r.Curl.File}: {r.Curl.Command} => {r.Status}: {r.Output}"));
    }

    [Fact]
    public async Task Every_curl_in_the_readme_and_docs_succeeds_and_leaves_the_store_as_it_found_it()
    {
        var before = await StoreChecksum.ComputeAsync(Api.ConnectionString, Ct);

        var results = await RunDocCurlsAsync();

        // The coverage example's 422 is its documented answer on the sample, whose cases are on no source list yet.
        Assert.All(results, r => Assert.True(
            r.Status is >= 200 and < 400 || (r.Status == 422 && r.Curl.Command.Contains("/stats/coverage", StringComparison.Ordinal)),
            $"{r.Curl.File}: {r.Curl.Command} => {r.Status}: {r.Output}"));
        Assert.Equal(before, await StoreChecksum.ComputeAsync(Api.ConnectionString, Ct));
    }

    /// <summary>
    /// Runs every shell example that calls curl, block by block in document order, through bash in a directory holding
    /// the files the docs post (cases.csv, cases.ndjson, cases.json: throwaway cases) and the admin key where
    /// scripts/run.sh leaves it (.local/admin-key), with the base URL substituted. One result per curl call.
    /// </summary>
    private async Task<List<(DocCurl Curl, int Status, string Output)>> RunDocCurlsAsync()
    {
        var output = TestContext.Current.TestOutputHelper;
        var work = Directory.CreateTempSubdirectory("caseapi-doc-curls.").FullName;
        try
        {
            await WriteFixturesAsync(work);
            var results = new List<(DocCurl, int, string)>();
            foreach (var block in DocCurls.Find())
            {
                if (DocCurls.IsPlaceholder(block.Command))
                {
                    output?.WriteLine($"skipped (placeholder) {block.File}:\n{block.Command}");
                    continue;
                }
                var (statuses, text) = await RunBlockAsync(block.Command, work);
                output?.WriteLine($"{string.Join(' ', statuses)} {block.File}:\n{block.Command}");
                results.AddRange(statuses.DefaultIfEmpty(-1).Select(status => (block, status, text)));
            }
            return results;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task<(List<int> Statuses, string Output)> RunBlockAsync(string script, string work)
    {
        var start = new ProcessStartInfo("bash", ["-c", LocalUrl().Replace(script, BaseUrl)])
        {
            WorkingDirectory = work, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var name in new[] { "KEY", "CASEAPI_KEY", "API_KEY", "ADMIN_KEY" }) start.Environment[name] = CaseApiFactory.AdminKey;
        start.Environment["CASEAPI_URL"] = BaseUrl;
        start.Environment["API"] = $"{BaseUrl}/api/v1";
        start.Environment["CURL_HOME"] = work;
        using var process = Process.Start(start)!;
        // Nothing to read from: a curl that reads its body from stdin (@-) gets it from its own pipe, never hangs here.
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        // .curlrc writes each call's status to stderr on a line of its own, so stdout stays what the reader sees.
        var statuses = stderr.Split('\n').Where(line => line.Length == 3 && line.All(char.IsAsciiDigit)).Select(int.Parse).ToList();
        var text = await stdout;
        return (statuses, $"{text[..Math.Min(text.Length, 500)]}{stderr}");
    }

    private static async Task WriteFixturesAsync(string work)
    {
        // Every curl prints its status last (the write-out), quietly.
        await File.WriteAllTextAsync(Path.Combine(work, ".curlrc"), "silent\nshow-error\nmax-time = 60\nwrite-out = \"%{stderr}%{http_code}\\n\"\n", Ct);
        Directory.CreateDirectory(Path.Combine(work, ".local"));
        await File.WriteAllTextAsync(Path.Combine(work, ".local", "admin-key"), CaseApiFactory.AdminKey, Ct);
        await File.WriteAllTextAsync(Path.Combine(work, "cases.csv"),
            "slug,title,activityTypes,collectorType,sectors,outcome\ndoc-curl-csv,Doc curl case,economic-espionage,company,aerospace,charged\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(work, "cases.ndjson"),
            """{"slug":"doc-curl-ndjson","title":"Doc curl case","activityTypes":["espionage"],"collectorType":"company","sectors":["aerospace"],"outcome":"charged"}""" + "\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(work, "cases.json"),
            """[{"slug":"doc-curl-json","title":"Doc curl case","activityTypes":["espionage"],"collectorType":"company","sectors":["aerospace"],"outcome":"charged"}]""", Ct);
    }

    [GeneratedRegex(@"https?://(?:127\.0\.0\.1|localhost|0\.0\.0\.0):\d+")]
    private static partial Regex LocalUrl();
}
