using System.Text.Json.Nodes;
using CaseApi.ApiKeys;
using CaseApi.Cases;
using CaseApi.Entities;
using CaseApi.Linkage;
using CaseApi.ReferenceData;
using CaseApi.Releases;
using CaseApi.Review;
using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>The request examples of the contract, by body type or media type: what Swagger UI pre-fills and client authors copy.</summary>
internal static class RequestExamples
{
    public static JsonNode? For(string mediaType, Type? bodyType) => (mediaType, bodyType) switch
    {
        (CaseEndpoints.MergePatchMediaType, _) =>
            new JsonObject { ["outcome"] = "convicted", ["sentenceMonths"] = 240, ["resolvedOn"] = "2019-05-17" },
        (_, { } type) when type == typeof(CaseRequest) => ThrowawayCase(),
        (_, { } type) when type == typeof(SectorRequest) =>
            new JsonObject { ["name"] = "Aerospace", ["description"] = "Aircraft, engines, avionics and their materials." },
        (_, { } type) when type == typeof(SponsorRequest) =>
            new JsonObject { ["name"] = "MSS Guangdong State Security Department", ["type"] = "intelligence-service", ["parent"] = "mss" },
        (_, { } type) when type == typeof(PolicyDocumentRequest) => new JsonObject
        {
            ["name"] = "Made in China 2025", ["year"] = 2015, ["sectors"] = new JsonArray("aerospace", "semiconductors", "robotics"),
        },
        (_, { } type) when type == typeof(SourceListRequest) => new JsonObject
        {
            ["name"] = "US Department of Justice press releases", ["publisher"] = "US Department of Justice", ["coverageFrom"] = 2000,
        },
        (_, { } type) when type == typeof(EntityRequest) => new JsonObject
        {
            ["name"] = "Xuehua Peng", ["kind"] = "person", ["slug"] = ThrowawaySlug, ["aliases"] = new JsonArray("Edward Peng"), ["country"] = "US",
        },
        // Merge and redaction name throwaway entities only (the path's id is the throwaway slug): trying them changes nothing real.
        (_, { } type) when type == typeof(EntityMergeRequest) => new JsonObject { ["into"] = ThrowawaySlug + "-survivor" },
        (_, { } type) when type == typeof(EntityRedactRequest) => new JsonObject { ["reason"] = "Acquitted; removed on request." },
        (_, { } type) when type == typeof(CreateReleaseRequest) => new JsonObject { ["name"] = ThrowawaySlug, ["description"] = "The 2026 study." },
        (_, { } type) when type == typeof(EntryDecisionRequest) => new JsonObject { ["case"] = "kevin-mallory" },
        (_, { } type) when type == typeof(BulkAcceptRequest) => new JsonObject { ["threshold"] = 6 },
        (_, { } type) when type == typeof(RejectProposalRequest) =>
            new JsonObject { ["reason"] = "No public source names the handler; cite the indictment and propose it again." },
        (_, { } type) when type == typeof(MembershipRequest) =>
            new JsonObject { ["references"] = new JsonArray("https://www.justice.gov/opa/pr/former-cia-officer-sentenced-prison-espionage") },
        (_, { } type) when type == typeof(CreateApiKeyRequest) =>
            new JsonObject { ["name"] = "dashboard-reader", ["role"] = "reader", ["expiresAt"] = "2027-12-31T00:00:00Z" },
        _ => null,
    };

    /// <summary>
    /// The value Swagger UI pre-fills for a parameter, shaped to its schema (a repeatable filter is an array). "Try it
    /// out" must work on the bundled sample and change nothing real: optional filters stay empty (together they would
    /// match no case), reads name a sample case, and writes name a throwaway case or code, or only dry-run.
    /// </summary>
    public static JsonNode? ForParameter(
        string route, string name, IOpenApiSchema? schema, ParameterLocation? location, bool required, bool write)
    {
        JsonNode? value = (name, location) switch
        {
            ("id", ParameterLocation.Path) when schema?.Format == "uuid" => "0196f6c4-1f2a-7c3e-9a51-3f4b2c1d0e9f",
            ("id", ParameterLocation.Path) when write => ThrowawaySlug,
            ("code", ParameterLocation.Path) when write => "try-it-out",
            ("id" or "code", ParameterLocation.Path) =>
                SampleMembers.FirstOrDefault(m => route.StartsWith(m.Route, StringComparison.Ordinal)).Member,
            ("dryRun", _) => true,
            // A grouping the validator demands (the case statistics'); an optional one stays empty, like the filters.
            ("groupBy", _) when required => "sector",
            // Required in effect (the validator wants at least two), though the validator does not say so in a way the contract can read.
            ("lists", _) => "doj-press-releases,csis-survey",
            _ => null,
        };
        return value is not null && schema?.Type?.HasFlag(JsonSchemaType.Array) == true ? new JsonArray(value) : value;
    }

    /// <summary>
    /// What a read's path parameter names, by the collection the route reads: a member the bundled sample holds, so that
    /// "Try it out" answers data (Greg Chung's entity, who shares his case with Boeing and Rockwell; the list whose entries
    /// the guides upload; a case). A new read route adds its collection here.
    /// </summary>
    private static readonly (string Route, string Member)[] SampleMembers =
    [
        ("api/v1/entities/", "dongfan-chung"),
        ("api/v1/source-lists/", "doj-press-releases"),
        ("api/v1/cases/", "kevin-mallory"),
    ];

    /// <summary>The slug write examples use, so that trying them never touches a real case.</summary>
    public const string ThrowawaySlug = "try-it-out-example";

    /// <summary>A list's entries as published, in each text format: one DOJ press release.</summary>
    public static JsonNode ListEntriesBody(string mediaType)
    {
        var entry = new JsonObject
        {
            ["url"] = "https://www.justice.gov/opa/pr/former-cia-officer-sentenced-prison-espionage", ["date"] = "2019-05-17",
            ["title"] = "Former CIA Officer Sentenced to Prison for Espionage", ["defendants"] = "Kevin Patrick Mallory",
            ["district"] = "Eastern District of Virginia",
        };
        return mediaType switch
        {
            "text/csv" => JsonValue.Create("url,date,title,defendants,district\n" +
                string.Join(",", entry.Select(p => (string)p.Value!)) + "\n"),
            "application/x-ndjson" => JsonValue.Create(entry.ToJsonString() + "\n"),
            _ => new JsonArray(entry),
        };
    }

    /// <summary>An import body in each format: the same public case as a CSV row (with its header), a JSON array and an NDJSON line.</summary>
    public static JsonNode ImportBody(string mediaType) => mediaType switch
    {
        "text/csv" => JsonValue.Create(
            "slug,title,activityTypes,collectorType,sectors,outcome,chargedOn,sources\n" +
            $"{ThrowawaySlug},Kevin Mallory — former CIA officer recruited over LinkedIn (import example),espionage,recruited-us-person," +
            "defense;government,convicted,2017-06,https://www.justice.gov/opa/pr/former-cia-officer-sentenced-prison-espionage\n"),
        "application/x-ndjson" => JsonValue.Create(ThrowawayCase().ToJsonString() + "\n"),
        _ => new JsonArray(ThrowawayCase()),
    };

    private static JsonObject ThrowawayCase()
    {
        var example = Case();
        example["slug"] = ThrowawaySlug;
        return example;
    }

    /// <summary>A real public case (from the bundled sample), so the example also shows what good data looks like.</summary>
    private static JsonObject Case() => new()
    {
        ["slug"] = "kevin-mallory",
        ["title"] = "Kevin Mallory — former CIA officer recruited over LinkedIn",
        ["summary"] = "A former CIA case officer, approached through a professional networking site by a handler presenting as a Shanghai " +
            "think-tank employee, passed national-defence information using a covert communications phone.",
        ["activityTypes"] = new JsonArray("espionage"),
        ["tradecraft"] = new JsonArray("online-approach", "recruitment", "covert-communications", "cash-payment"),
        ["sponsor"] = "prc-intelligence-unspecified",
        ["sponsorConfidence"] = "alleged",
        ["collectorType"] = "recruited-us-person",
        ["collectorCitizenship"] = "US",
        ["defendants"] = new JsonArray("Kevin Patrick Mallory"),
        ["sectors"] = new JsonArray("defense", "government"),
        ["victimTypes"] = new JsonArray("government"),
        ["usStates"] = new JsonArray("VA"),
        ["venue"] = "E.D. Va.",
        ["activityStart"] = "2017",
        ["activityEnd"] = "2017-05",
        ["chargedOn"] = "2017-06",
        ["resolvedOn"] = "2019-05-17",
        ["outcome"] = "convicted",
        ["sentenceMonths"] = 240,
        ["sources"] = new JsonArray(new JsonObject
        {
            ["url"] = "https://www.justice.gov/opa/pr/former-cia-officer-sentenced-prison-espionage",
            ["title"] = "Former CIA Officer Sentenced to Prison for Espionage",
            ["publisher"] = "US Department of Justice",
            ["publishedOn"] = "2019-05-17",
            ["kind"] = "doj-press-release",
        }),
        ["tags"] = new JsonArray("linkedin", "think-tank-cover"),
        ["listedIn"] = new JsonArray("doj-press-releases", "csis-survey"),
    };
}
