using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

/// <summary>Every rule of docs/design.md, each broken alone on an otherwise valid case, must be a 400 naming the field by its JSON path.</summary>
public sealed class CaseValidationTests(CaseApiFactory api) : ApiTest(api)
{
    public static TheoryData<string, string, string> BrokenRules => new()
    {
        { "missing slug", "slug", "null" },
        { "slug too short", "slug", "\"ab\"" },
        { "slug too long", "slug", $"\"{new string('a', 121)}\"" },
        { "slug not kebab-case", "slug", "\"Kevin_Mallory\"" },
        { "slug with a trailing hyphen", "slug", "\"kevin-\"" },
        { "reserved slug", "slug", "\"export\"" },
        { "missing title", "title", "null" },
        { "empty title", "title", "\"\"" },
        { "title too long", "title", $"\"{new string('t', 201)}\"" },
        { "summary too long", "summary", $"\"{new string('s', 4001)}\"" },
        { "no activity type", "activityTypes", "[]" },
        { "unknown activity type", "activityTypes[0]", "[\"sabotage\"]" },
        { "repeated activity type", "activityTypes", "[\"espionage\",\"espionage\"]" },
        { "unknown tradecraft", "tradecraft[1]", "[\"insider\",\"telepathy\"]" },
        { "unknown sponsor", "sponsor", "\"cia\"" },
        { "unknown sponsor confidence", "sponsorConfidence", "\"rumoured\"" },
        { "missing collector type", "collectorType", "null" },
        { "unknown collector type", "collectorType", "\"tourist\"" },
        { "citizenship not ISO alpha-2", "collectorCitizenship", "\"China\"" },
        { "citizenship lowercase", "collectorCitizenship", "\"cn\"" },
        { "empty defendant", "defendants[0]", "[\"\"]" },
        { "defendant too long", "defendants[0]", $"[\"{new string('d', 201)}\"]" },
        { "no sector", "sectors", "[]" },
        { "missing sectors", "sectors", "null" },
        { "unknown sector", "sectors[0]", "[\"mars\"]" },
        { "unknown victim type", "victimTypes[0]", "[\"alien\"]" },
        { "victim too long", "victims[0]", $"[\"{new string('v', 201)}\"]" },
        { "unknown US state", "usStates[0]", "[\"XX\"]" },
        { "venue too long", "venue", $"\"{new string('v', 101)}\"" },
        { "activity start not a date", "activityStart", "\"2017-13\"" },
        { "activity start wrong format", "activityStart", "\"17/06/2017\"" },
        { "charged in the future", "chargedOn", "\"2999\"" },
        { "resolved not a date", "resolvedOn", "\"2019-02-30\"" },
        { "missing outcome", "outcome", "null" },
        { "unknown outcome", "outcome", "\"executed\"" },
        { "negative sentence", "sentenceMonths", "-1" },
        { "sentence too long", "sentenceMonths", "1201" },
        { "negative fine", "fineUsd", "-0.01" },
        { "negative loss", "lossUsd", "-5" },
        { "source without url", "sources[0].url", "[{\"title\":\"x\"}]" },
        { "source url not http", "sources[0].url", "[{\"url\":\"ftp://example.org/x\"}]" },
        { "source url relative", "sources[0].url", "[{\"url\":\"/press/1\"}]" },
        { "source publishedOn not a date", "sources[0].publishedOn", "[{\"url\":\"https://example.org\",\"publishedOn\":\"June 2019\"}]" },
        { "unknown source kind", "sources[0].kind", "[{\"url\":\"https://example.org\",\"kind\":\"tweet\"}]" },
        { "null source", "sources[0]", "[null]" },
        { "tag not kebab-case", "tags[0]", "[\"Talent Program\"]" },
        { "tag too long", "tags[0]", $"[\"{new string('t', 51)}\"]" },
        { "unknown source list", "listedIn[0]", "[\"wikipedia\"]" },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task A_broken_rule_is_400_naming_the_field(string rule, string field, string value)
    {
        var request = CaseSamples.Full();
        var property = field.Split('[', '.')[0];
        request[property] = JsonNode.Parse(value);

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        var problem = await Problems.AssertFieldAsync(response, field);
        Assert.True(problem["errors"]!.AsObject().Count >= 1, rule);
    }

    [Theory]
    [InlineData("activityEnd", "2013", "activityStart", "2014")]
    [InlineData("resolvedOn", "2019-04-22", "chargedOn", "2019-04-23")]
    public async Task An_end_before_its_start_is_400(string endField, string end, string startField, string start)
    {
        var request = CaseSamples.Full();
        request[startField] = start;
        request[endField] = end;

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        await Problems.AssertFieldAsync(response, endField);
    }

    [Theory]
    [InlineData("2019", "2019-04")]
    [InlineData("2019-04", "2019")]
    [InlineData("2019-04-23", "2019-04")]
    public async Task Partial_dates_in_the_same_period_are_in_order(string charged, string resolved)
    {
        var request = CaseSamples.Full();
        request["chargedOn"] = charged;
        request["resolvedOn"] = resolved;

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Several_broken_rules_are_all_reported_at_once()
    {
        var request = CaseSamples.Full();
        request["slug"] = "X";
        request["sectors"] = new JsonArray("mars");
        request["sources"] = new JsonArray(new JsonObject { ["url"] = "nope" });

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        var errors = (await Problems.AssertFieldAsync(response, "slug"))["errors"]!.AsObject();
        Assert.Contains("sectors[0]", errors.Select(e => e.Key));
        Assert.Contains("sources[0].url", errors.Select(e => e.Key));
    }
}
