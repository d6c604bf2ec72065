using System.Text.Json.Nodes;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Valid case bodies to start from; tests change one thing at a time.</summary>
public static class CaseSamples
{
    public static JsonObject Minimal(string slug = "test-case") => new()
    {
        ["slug"] = slug,
        ["title"] = "A test case",
        ["activityTypes"] = new JsonArray("economic-espionage"),
        ["collectorType"] = "private-company-employee",
        ["sectors"] = new JsonArray("aerospace"),
        ["outcome"] = "convicted",
    };

    public static JsonObject Full(string slug = "full-case") => new()
    {
        ["slug"] = slug,
        ["title"] = "Full case",
        ["summary"] = "An engineer took turbine designs to a state-owned enterprise.",
        ["activityTypes"] = new JsonArray("economic-espionage", "trade-secret-theft"),
        ["tradecraft"] = new JsonArray("insider", "talent-program"),
        ["sponsor"] = "soe",
        ["sponsorConfidence"] = "alleged",
        ["collectorType"] = "soe-employee",
        ["collectorCitizenship"] = "CN",
        ["defendants"] = new JsonArray("Zhang Wei"),
        ["sectors"] = new JsonArray("aerospace", "energy"),
        ["victimTypes"] = new JsonArray("company"),
        ["victims"] = new JsonArray("General Electric"),
        ["usStates"] = new JsonArray("NY", "OH"),
        ["venue"] = "N.D.N.Y.",
        ["activityStart"] = "2014",
        ["activityEnd"] = "2018-07",
        ["chargedOn"] = "2019-04-23",
        ["resolvedOn"] = "2022-01",
        ["outcome"] = "convicted",
        ["sentenceMonths"] = 24,
        ["fineUsd"] = 7500.50m,
        ["lossUsd"] = 1000000,
        ["sources"] = new JsonArray(new JsonObject { ["url"] = "https://www.justice.gov/opa/pr/example", ["title"] = "Press release", ["publisher"] = "DOJ", ["publishedOn"] = "2019-04", ["kind"] = "doj-press-release" }),
        ["tags"] = new JsonArray("turbines", "talent-program"),
        ["listedIn"] = new JsonArray("doj-press-releases", "csis-survey"),
    };
}
