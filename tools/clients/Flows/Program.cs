using CaseApi.ClientFlows;

// Runs the flows of every client (or those named as arguments: kiota, nswag) against CASEAPI_URL with CASEAPI_KEY
// (an admin key: the flows import). Exits non-zero when a step fails; glue is reported, and judged by run.sh.
var url = Environment.GetEnvironmentVariable("CASEAPI_URL") ?? "http://127.0.0.1:5080";
var key = Environment.GetEnvironmentVariable("CASEAPI_KEY") ?? throw new InvalidOperationException("Set CASEAPI_KEY to an admin API key.");
var baseUrl = new Uri(url.TrimEnd('/') + "/");
var clients = args.Length > 0 ? args : ["kiota", "nswag"];

var reports = new List<FlowReport>();
foreach (var client in clients)
{
    reports.Add(client switch
    {
        "kiota" => await KiotaFlow.RunAsync(baseUrl, key),
        "nswag" => await NSwagFlow.RunAsync(baseUrl, key),
        _ => throw new ArgumentException($"Unknown client '{client}': kiota or nswag."),
    });
}
foreach (var report in reports) report.PrintGlue();
var failures = reports.Sum(r => r.Failures);
Console.WriteLine($"client flows: {failures} failed step(s); {reports.Sum(r => r.ContractGlue)} piece(s) of glue a better contract would remove");
return failures == 0 ? 0 : 1;
