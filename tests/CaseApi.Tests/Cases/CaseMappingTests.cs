using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

/// <summary>The request ↔ entity mapping, walked field by field from the one declaration, loses and invents nothing.</summary>
public sealed class CaseMappingTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private static CaseRequest Full()
    {
        var body = CaseSamples.Full();
        body["listEvidence"] = new JsonArray(new JsonObject { ["list"] = "csis-survey", ["reference"] = "CSIS-7", ["matchMethod"] = "manual" });
        return body.Deserialize<CaseRequest>(JsonSerializerOptions.Web)!;
    }

    [Fact]
    public void A_full_request_stored_on_a_new_case_reads_back_as_the_same_request()
    {
        var request = Full();

        var back = request.ToNewCase(Now).ToRequest();

        Assert.All(CaseColumns.Fields, field => Assert.Equal(Json(Kept(field, request)), Json(field.Requested(back))));
    }

    /// <summary>What the entity keeps of a request's value: an absent list is an empty one.</summary>
    private static object? Kept(CaseField field, CaseRequest request) =>
        field.Requested(request) ?? (field.Kind is CaseFieldKind.Text or CaseFieldKind.Date or CaseFieldKind.Integer or CaseFieldKind.Number
            ? null
            : Array.Empty<object>());

    private static string Json(object? value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    [Fact]
    public void A_new_case_holds_each_value_in_its_entity_shape()
    {
        var c = Full().ToNewCase(Now);

        Assert.Equal(("full-case", "soe", "CN"), (c.Slug, c.SponsorCode, c.CollectorCitizenship));
        Assert.Equal(["NY", "OH"], c.UsStates);
        Assert.Equal((new DateOnly(2018, 7, 1), DatePrecision.Month), (c.ActivityEnd!.Value, c.ActivityEndPrecision!.Value));
        Assert.Equal((24, 7500.50m), (c.SentenceMonths, c.FineUsd));
        Assert.Equal("https://www.justice.gov/opa/pr/example", Assert.Single(c.Sources).Url);
        Assert.Equal("CSIS-7", Assert.Single(c.ListEvidence).Reference);
        Assert.Equal((Now, Now), (c.CreatedAt, c.UpdatedAt));
    }

    [Fact]
    public void Null_items_and_absent_values_are_stored_as_empty_lists_and_nulls()
    {
        var request = CaseSamples.Minimal().Deserialize<CaseRequest>(JsonSerializerOptions.Web)! with
        {
            Tags = ["a", null], Sources = [null], ResolvedOn = null, Victims = null,
        };

        var c = request.ToNewCase(Now);

        Assert.Equal(["a"], c.Tags);
        Assert.Empty(c.Sources);
        Assert.Empty(c.Victims);
        Assert.Equal((null, null), (c.ResolvedOn, c.ResolvedOnPrecision));
    }

    [Fact]
    public void A_request_built_from_values_in_field_order_is_the_request_they_came_from()
    {
        var request = Full();

        var rebuilt = CaseColumns.ToRequest([.. CaseColumns.Fields.Select(f => f.Requested(request))]);

        Assert.Equal(request, rebuilt);
    }

    [Fact]
    public void A_value_of_another_type_than_its_field_is_refused_not_cast()
    {
        var values = new object?[CaseColumns.Fields.Count];
        values[CaseColumns.ByName["sentenceMonths"].Index] = "twelve";

        Assert.Throws<ArgumentException>(() => CaseColumns.ToRequest(values));
    }
}
