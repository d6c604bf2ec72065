using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Cases;

public sealed class SampleCasesTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task The_sample_loads_every_case_into_an_empty_store_through_validation()
    {
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(SampleCases.FilePath, Ct))!.AsArray().Count;

        var loaded = await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);

        Assert.Equal(34, expected);
        Assert.Equal(expected, loaded);
        Assert.Equal(expected, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
        using var response = await Client.GetAsync("/api/v1/cases/kevin-mallory", Ct);
        var mallory = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal("2017-06", (string?)mallory!["chargedOn"]);
        Assert.Equal("2019-05-17", (string?)mallory["resolvedOn"]);
    }

    [Fact]
    public async Task The_sample_loads_only_once()
    {
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);

        var second = await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);

        Assert.Equal(0, second);
        Assert.Equal(34, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
    }

    [Fact]
    public async Task The_sample_never_loads_into_a_store_that_has_cases()
    {
        await CreateCaseAsync(CaseSamples.Minimal());

        var loaded = await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);

        Assert.Equal(0, loaded);
        Assert.Equal(1, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
    }

    [Fact]
    public async Task Each_loaded_sample_case_has_a_create_audit_row()
    {
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);

        var audited = await WithDbAsync(db => db.AuditEvents.CountAsync(a => a.Action == "create" && a.EntityType == "case" && a.Actor == SampleCases.Actor, Ct));

        Assert.Equal(34, audited);
    }
}
