using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Cases;

public sealed class ExportCasesTests(CaseApiFactory api) : ApiTest(api)
{
    [Theory]
    [InlineData("csv", "text/csv")]
    [InlineData("ndjson", "application/x-ndjson")]
    [InlineData("json", "application/json")]
    public async Task Export_is_an_attachment_named_by_date_and_format(string format, string mediaType)
    {
        using var response = await Client.GetAsync($"/api/v1/cases/export?format={format}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal($"cases-{DateTime.UtcNow:yyyyMMdd}.{format}", response.Content.Headers.ContentDisposition.FileName);
    }

    [Fact]
    public async Task The_export_route_wins_over_a_case_slug()
    {
        await CreateCaseAsync(CaseSamples.Minimal("some-case"));

        using var response = await Client.GetAsync("/api/v1/cases/export", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("id,slug,title,", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_has_the_id_the_import_columns_and_the_derived_columns_and_every_field_of_the_case()
    {
        var request = CaseSamples.Full();
        request["title"] = "He said \"hi\", then left";
        request["summary"] = "Line one,\nline two.";
        await CreateCaseAsync(request);
        await CreateCaseAsync(CaseSamples.Minimal("minimal-case"));

        var text = await Client.GetStringAsync("/api/v1/cases/export?format=csv", Ct);

        using var csv = new CsvReader(new StringReader(text), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(csv.Read() && csv.ReadHeader());
        Assert.Equal(["id", .. CaseCsv.Columns, "sponsorType", "policyAligned", "alignedPolicies", "createdAt", "updatedAt", "defendantEntityIds",
            "victimEntityIds", "collectorEmployerEntityIds", "sponsoringUnitEntityIds"], csv.HeaderRecord!);
        Assert.True(csv.Read());
        Assert.Equal("full-case", csv.GetField("slug"));
        var stored = await Client.GetFromJsonAsync<JsonObject>("/api/v1/cases/full-case", Ct);
        Assert.Equal((string?)stored!["id"], csv.GetField("id"));
        Assert.Equal("state-owned-enterprise", csv.GetField("sponsorType"));
        Assert.Equal(((bool)stored["policyAligned"]!).ToString().ToLowerInvariant(), csv.GetField("policyAligned"));
        Assert.Equal(string.Join(';', stored["alignedPolicies"]!.AsArray().Select(p => (string)p!)), csv.GetField("alignedPolicies"));
        Assert.Equal(DateTimeOffset.Parse((string)stored["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(csv.GetField("createdAt")!, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var column in CaseCsv.Columns)
        {
            var cell = csv.GetField(column) ?? "";
            switch (request[column])
            {
                case null:
                    Assert.Equal("", cell);
                    break;
                case JsonArray list when column == "sources":
                    Assert.True(JsonNode.DeepEquals(list, JsonNode.Parse(cell)), $"sources: {cell}");
                    break;
                case JsonArray list:
                    Assert.Equal(string.Join(';', list.Select(v => (string)v!)), cell);
                    break;
                case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String:
                    Assert.Equal((string)value!, cell);
                    break;
                case JsonValue value:
                    Assert.Equal(value.ToJsonString(), cell);
                    break;
            }
        }
        // RFC 4180: quotes doubled inside a quoted field.
        Assert.Contains("\"He said \"\"hi\"\", then left\"", text, StringComparison.Ordinal);
        Assert.True(csv.Read());
        Assert.Equal("minimal-case", csv.GetField("slug"));
        Assert.Equal("", csv.GetField("sources"));
        Assert.False(csv.Read());
    }

    [Fact]
    public async Task Ndjson_writes_each_matching_case_as_the_single_case_resource_plus_its_sponsor_type_and_entity_ids()
    {
        await CreateCaseAsync(CaseSamples.Full("case-a"));
        await CreateCaseAsync(CaseSamples.Minimal("case-b"));
        var other = CaseSamples.Minimal("case-c");
        other["sectors"] = new JsonArray("defense");
        await CreateCaseAsync(other);

        var text = await Client.GetStringAsync("/api/v1/cases/export?format=ndjson&sector=aerospace", Ct);

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        foreach (var line in lines)
        {
            var exported = JsonNode.Parse(line)!;
            var single = await Client.GetFromJsonAsync<JsonObject>($"/api/v1/cases/{exported["slug"]}", Ct);
            single!["sponsorType"] = (string?)exported["sponsor"] == "soe" ? "state-owned-enterprise" : null;
            // The entities the names resolved to (issue 36): one id for each name, in the store's entity table.
            foreach (var (names, ids) in new[]
            {
                ("defendants", "defendantEntityIds"), ("victims", "victimEntityIds"), ("collectorEmployers", "collectorEmployerEntityIds"),
                ("sponsoringUnits", "sponsoringUnitEntityIds"),
            })
            {
                var exportedIds = exported[ids]!.AsArray().Select(i => Guid.Parse((string)i!)).ToList();
                Assert.Equal(single[names]!.AsArray().Count, exportedIds.Count);
                Assert.Equal(exportedIds.Count, await WithDbAsync(db => db.Entities.CountAsync(e => exportedIds.Contains(e.Id), Ct)));
                single[ids] = exported[ids]!.DeepClone();
            }
            Assert.True(JsonNode.DeepEquals(single, exported), line);
        }
    }

    [Fact]
    public async Task Json_is_one_array_of_the_matching_cases()
    {
        await CreateCaseAsync(CaseSamples.Full("case-a"));
        var other = CaseSamples.Minimal("case-b");
        other["outcome"] = "fugitive";
        await CreateCaseAsync(other);

        var all = await Client.GetFromJsonAsync<JsonArray>("/api/v1/cases/export?format=JSON", Ct);
        var fugitives = await Client.GetFromJsonAsync<JsonArray>("/api/v1/cases/export?format=json&outcome=fugitive", Ct);
        var none = await Client.GetStringAsync("/api/v1/cases/export?format=json&outcome=acquitted", Ct);

        Assert.Equal(["case-a", "case-b"], all!.Select(c => (string)c!["slug"]!));
        foreach (var field in new[] { "id", "sponsorType", "policyAligned", "alignedPolicies", "createdAt", "updatedAt" })
        {
            Assert.True(all![0]!.AsObject().ContainsKey(field), field);
        }
        Assert.Equal("case-b", (string)Assert.Single(fugitives!)!["slug"]!);
        Assert.Equal("[]", none);
    }

    [Theory]
    [InlineData("format=xml", "format")]
    [InlineData("sector=warp-drive", "sector")]
    [InlineData("limit=10", "limit")]
    public async Task Bad_parameters_are_400_naming_them(string query, string parameter)
    {
        using var response = await Client.GetAsync($"/api/v1/cases/export?{query}", Ct);

        await Problems.AssertFieldAsync(response, parameter);
    }
}
