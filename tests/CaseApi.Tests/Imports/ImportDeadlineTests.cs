using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Infrastructure.Errors;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Imports;

/// <summary>A service whose imports must finish within a second: the deadline, not any cap, is what a large file meets.</summary>
public sealed class ImportDeadlineFactory : CaseApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Imports:DeadlineSeconds"] = "1" };
}

/// <summary>The import deadline, the backstop behind the caps: passed, it refuses the whole import and keeps nothing.</summary>
public sealed class ImportDeadlineTests(ImportDeadlineFactory api) : ImportTest(api), IClassFixture<ImportDeadlineFactory>
{
    [Fact]
    public async Task An_import_that_runs_past_its_deadline_is_refused_naming_the_setting_and_keeps_nothing()
    {
        // 50,000 cases take most of a minute (about 1,100 rows/s measured), far past the one second allowed here.
        var body = string.Join('\n', Enumerable.Range(0, 50_000).Select(i => CaseSamples.Minimal($"late-{i}").ToJsonString()));

        using var response = await ImportAsync(body, NdjsonType);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(ProblemCodes.ImportLimitExceeded, (string?)problem["code"]);
        Assert.Contains("(Imports:DeadlineSeconds)", (string?)problem["detail"], StringComparison.Ordinal);
        var cases = await Client.GetFromJsonAsync<JsonNode>("/api/v1/cases?limit=1", Ct);
        Assert.Empty(cases!["items"]!.AsArray());
        var imports = await Client.GetFromJsonAsync<JsonNode>("/api/v1/imports", Ct);
        Assert.Empty(imports!["items"]!.AsArray());
    }
}
