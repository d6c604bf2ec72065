using CaseApi.Cases;
using CaseApi.Imports;
using F23.StringSimilarity;

namespace CaseApi.Tests.Imports;

/// <summary>The one place header text becomes a field: what it matches, and what refuses a header.</summary>
public sealed class ImportHeaderMappingTests
{
    [Theory]
    [InlineData("title", "title", null)]
    [InlineData(" TITLE ", "title", null)]
    [InlineData("ListedIn", "listedIn", null)]
    [InlineData("sponsorType", null, "sponsorType")]
    [InlineData(" ID", null, "id")]
    [InlineData("Activity Types", "activityTypes", null)]
    [InlineData("activity_types", "activityTypes", null)]
    [InlineData("ACTIVITY-TYPES", "activityTypes", null)]
    [InlineData("Charged On", "chargedOn", null)]
    [InlineData("policy_aligned", null, "policyAligned")]
    public void A_header_names_a_field_or_a_read_only_column_in_any_letter_case(string header, string? field, string? readOnly)
    {
        var column = ImportHeaderMapping.Match(header);

        Assert.Equal(field, column.Field?.Name);
        Assert.Equal(readOnly, column.ReadOnly);
    }

    [Theory]
    [InlineData("Charged")]
    [InlineData("activity.types")]
    [InlineData("")]
    public void Anything_else_names_nothing(string header) => Assert.Null(ImportHeaderMapping.Match(header).Name);

    [Theory]
    [InlineData(new[] { "slug", "Title", "TITLE" }, "Column 'Title' appears more than once.")]
    [InlineData(new[] { "slug", "wat" }, "Unknown column 'wat'. Columns are the case field names: id, slug, title,")]
    [InlineData(new[] { "slug", "Chargd On" }, "Unknown column 'Chargd On'. Did you mean 'chargedOn'?")]
    [InlineData(new[] { "slug", "sentance_months" }, "Unknown column 'sentance_months'. Did you mean 'sentenceMonths'?")]
    [InlineData(new[] { "title" }, "Missing the slug column: every row is matched to a case by its slug.")]
    [InlineData(new[] { " ", "" }, "The file is empty: the first row must be a header naming the case fields.")]
    public void A_header_that_repeats_misses_or_does_not_know_a_column_is_refused(string[] header, string problem)
    {
        var (parsed, refused) = ImportHeader.Parse(header);

        Assert.Null(parsed);
        Assert.StartsWith(problem, refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_two_columns_are_further_apart_than_a_suggestion_reaches()
    {
        var keys = CaseCsv.ExportColumns.Select(c => c.ToLowerInvariant()).ToArray();
        var distance = new Levenshtein();

        var closest = keys.SelectMany((a, i) => keys.Skip(i + 1).Select(b => (a, b, d: distance.Distance(a, b)))).MinBy(p => p.d);

        Assert.True(closest.d > ImportHeaderMapping.SuggestionDistance, $"'{closest.a}' and '{closest.b}' are {closest.d} edits apart");
    }
}
