using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Interop.Stix;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Interop;

/// <summary>GET /cases/export?format=stix: a STIX 2.1 bundle the OASIS schemas accept, with ids that survive renames and edits.</summary>
public sealed class StixExportTests(CaseApiFactory api) : ApiTest(api)
{
    private const string Export = "/api/v1/cases/export?format=stix";

    [Fact]
    public async Task The_sample_exports_as_a_bundle_every_object_of_which_the_OASIS_schemas_accept()
    {
        var loaded = await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);
        Assert.True(loaded > 0);

        using var response = await Client.GetAsync(Export, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/stix+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(response.Content.Headers.ContentType.Parameters, p => p.Name == "version" && p.Value == "2.1");
        var bundle = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
        Assert.Equal("bundle", (string?)bundle["type"]);
        Assert.Matches("^bundle--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", (string?)bundle["id"]);
        var objects = bundle["objects"]!.AsArray().Select(o => o!).ToList();
        Assert.Equal(loaded, objects.Count(o => (string?)o["type"] == "report"));
        Assert.Contains(objects, o => (string?)o["type"] == "threat-actor");
        Assert.Contains(objects, o => (string?)o["type"] == "relationship" && (string?)o["relationship_type"] == "targets");
        Assert.Contains(objects, o => (string?)o["type"] == "relationship" && (string?)o["relationship_type"] == "attributed-to");
        Assert.Contains(objects, o => (string?)o["type"] == "identity" && (string?)o["identity_class"] == "individual");

        var errors = objects.SelectMany(StixSchemas.Errors).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} schema errors:\n{string.Join('\n', errors.Take(30))}");
        // Each object once, and every reference resolves inside the bundle.
        var ids = objects.Select(o => (string)o["id"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var refs = objects.SelectMany(o => o.AsObject()
            .Where(p => p.Key.EndsWith("_ref", StringComparison.Ordinal) || p.Key.EndsWith("_refs", StringComparison.Ordinal))
            .SelectMany(p => p.Value is JsonArray list ? list.Select(v => (string)v!) : [(string)p.Value!])).Distinct().ToList();
        Assert.Empty(refs.Except(ids));
    }

    [Fact]
    public async Task A_case_maps_to_a_report_with_its_sources_labels_and_the_relationships_of_its_sponsor()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Full());
        var id = Guid.Parse((string)created["id"]!);

        var objects = await ExportAsync();

        var report = objects.Single(o => (string?)o["type"] == "report");
        Assert.Equal(StixIds.Report(id), (string?)report["id"]);
        Assert.Equal("Full case", (string?)report["name"]);
        Assert.Equal("2019-04-23T00:00:00Z", (string?)report["published"]);
        Assert.Equal(["economic-espionage", "trade-secret-theft", "insider", "talent-program"], report["labels"]!.AsArray().Select(l => (string)l!));
        var references = report["external_references"]!.AsArray();
        Assert.Equal(id.ToString(), (string?)references[0]!["external_id"]);
        Assert.Equal("https://www.justice.gov/opa/pr/example", (string?)references[1]!["url"]);
        Assert.Equal("DOJ", (string?)references[1]!["source_name"]);
        Assert.Equal(["csis-survey", "doj-press-releases"], report["x_caseapi_listed_in"]!.AsArray().Select(l => (string)l!).Order());
        var actor = StixIds.ThreatActor("soe");
        var targets = objects.Where(o => (string?)o["relationship_type"] == "targets").ToList();
        Assert.All(targets, t => Assert.Equal(actor, (string?)t["source_ref"]));
        // The victim General Electric and the sectors aerospace and energy.
        Assert.Equal(3, targets.Count);
        Assert.Contains(targets, t => (string?)t["target_ref"] == StixIds.Sector("energy"));
        var objectRefs = report["object_refs"]!.AsArray().Select(r => (string)r!).ToList();
        Assert.Contains(actor, objectRefs);
        Assert.All(targets, t => Assert.Contains((string)t["id"]!, objectRefs));
        var victim = objects.Single(o => (string?)o["name"] == "General Electric");
        Assert.Equal("organization", (string?)victim["identity_class"]);
        Assert.Equal([(string)victim["id"]!], report["x_caseapi_victim_refs"]!.AsArray().Select(r => (string)r!));
        Assert.Empty(objects.SelectMany(StixSchemas.Errors));
    }

    [Fact]
    public async Task Ids_are_the_same_in_two_exports_and_after_a_slug_rename_and_an_edit_moves_only_modified()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Full());
        var first = await ExportAsync();
        var second = await ExportAsync();
        Assert.Equal(Ids(first), Ids(second));
        var before = first.Single(o => (string?)o["type"] == "report");

        await Task.Delay(5, Ct);
        using (var renamed = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"slug": "renamed-case", "title": "Renamed"}""", etag))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        }
        var third = await ExportAsync();

        Assert.Equal(Ids(first), Ids(third));
        var after = third.Single(o => (string?)o["type"] == "report");
        Assert.Equal((string?)before["id"], (string?)after["id"]);
        Assert.Equal("Renamed", (string?)after["name"]);
        Assert.Equal((string?)before["created"], (string?)after["created"]);
        Assert.True(string.CompareOrdinal((string)after["modified"]!, (string)before["modified"]!) > 0,
            $"modified {after["modified"]} follows the edit (was {before["modified"]})");
        // The relationships the case states follow their case's version too.
        Assert.All(third.Where(o => (string?)o["relationship_type"] == "targets"), r => Assert.Equal((string?)after["modified"], (string?)r["modified"]));
    }

    [Fact]
    public async Task Accept_chooses_stix_and_fields_with_stix_is_a_400()
    {
        await CreateCaseAsync(CaseSamples.Minimal());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases/export");
        request.Headers.Accept.ParseAdd("application/stix+json;version=2.1");
        using var negotiated = await Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
        Assert.Equal("application/stix+json", negotiated.Content.Headers.ContentType!.MediaType);

        using var fields = await Client.GetAsync(Export + "&fields=id", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, fields.StatusCode);
    }

    [Fact]
    public async Task A_case_without_a_sponsor_states_no_relationship_and_refers_to_its_sectors()
    {
        await CreateCaseAsync(CaseSamples.Minimal());

        var objects = await ExportAsync();

        var report = objects.Single(o => (string?)o["type"] == "report");
        Assert.Equal([StixIds.Sector("aerospace")], report["object_refs"]!.AsArray().Select(r => (string)r!));
        Assert.DoesNotContain(objects, o => (string?)o["relationship_type"] == "targets");
        Assert.Empty(objects.SelectMany(StixSchemas.Errors));
    }

    [Fact]
    public void The_schemas_refuse_what_STIX_forbids()
    {
        var report = JsonNode.Parse($$"""
            {"type": "report", "spec_version": "2.1", "id": "{{StixIds.Report(Guid.NewGuid())}}", "created": "2024-01-01T00:00:00.000Z",
             "modified": "2024-01-01T00:00:00Z", "name": "x", "published": "2024-01-01T00:00:00Z", "object_refs": [], "x_caseapi_tags": [],
             "Bad Name": 1}
            """)!;

        var errors = StixSchemas.Errors(report);

        // Millisecond precision, at least one object ref, no empty list, custom property names in lower case.
        Assert.True(errors.Count >= 3, string.Join('\n', errors));
        Assert.Empty(StixSchemas.Errors(JsonNode.Parse($$"""
            {"type": "report", "spec_version": "2.1", "id": "{{StixIds.Report(Guid.NewGuid())}}", "created": "2024-01-01T00:00:00.000Z",
             "modified": "2024-01-01T00:00:00.000Z", "name": "x", "published": "2024-01-01T00:00:00Z", "object_refs": ["{{StixIds.TlpWhite}}"]}
            """)!));
    }

    [Fact]
    public void Ids_are_UUIDv5_of_the_documented_namespace()
    {
        // Python: uuid.uuid5(uuid.UUID("557dfc31-fa47-5897-9266-98bc04615b84"), "case:00000000-0000-0000-0000-000000000001")
        Assert.Equal("report--2d7603ac-c923-526b-a2f5-aee1ea71fe0e", StixIds.Report(new Guid("00000000-0000-0000-0000-000000000001")));
        Assert.Equal(new Guid("557dfc31-fa47-5897-9266-98bc04615b84"), StixIds.UuidV5(new Guid("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "https://caseapi.local/stix"));
        Assert.Equal(StixIds.Namespace, StixIds.UuidV5(new Guid("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "https://caseapi.local/stix"));
    }

    private async Task<List<JsonNode>> ExportAsync()
    {
        var bundle = JsonNode.Parse(await Client.GetStringAsync(Export, Ct))!;
        return [.. bundle["objects"]!.AsArray().Select(o => o!)];
    }

    private static List<string> Ids(List<JsonNode> objects) => [.. objects.Select(o => (string)o["id"]!).Order(StringComparer.Ordinal)];
}
