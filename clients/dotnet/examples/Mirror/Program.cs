using CaseApi.Client;
using CaseApi.Client.Examples.Mirror;

// CASEAPI_URL: the service (default http://127.0.0.1:5080); CASEAPI_KEY: an admin key (the example writes throwaway
// reference data and cases, and deletes them again).
var url = new Uri(Environment.GetEnvironmentVariable("CASEAPI_URL") ?? "http://127.0.0.1:5080");
var key = Environment.GetEnvironmentVariable("CASEAPI_KEY")
    ?? throw new InvalidOperationException("Set CASEAPI_KEY to an admin key (scripts/run.sh keeps one in .local/admin-key).");
using var connection = CaseApiConnection.Create(url, key);
var matched = await MirrorExample.RunAsync(connection.Client, Console.Out);
return matched ? 0 : 1;
