using CaseApi.Imports;

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
    public void A_header_names_a_field_or_a_read_only_column_in_any_letter_case(string header, string? field, string? readOnly)
    {
        var column = ImportHeaderMapping.Match(header);

        Assert.Equal(field, column.Field?.Name);
        Assert.Equal(readOnly, column.ReadOnly);
    }

    [Theory]
    [InlineData("Charged On")]
    [InlineData("activity_types")]
    [InlineData("")]
    public void Anything_else_names_nothing(string header) => Assert.Null(ImportHeaderMapping.Match(header).Name);

    [Theory]
    [InlineData(new[] { "slug", "Title", "TITLE" }, "Column 'Title' appears more than once.")]
    [InlineData(new[] { "slug", "wat" }, "Unknown column 'wat'.")]
    [InlineData(new[] { "title" }, "Missing the slug column: every row is matched to a case by its slug.")]
    [InlineData(new[] { " ", "" }, "The file is empty: the first row must be a header naming the case fields.")]
    public void A_header_that_repeats_misses_or_does_not_know_a_column_is_refused(string[] header, string problem)
    {
        var (parsed, refused) = ImportHeader.Parse(header);

        Assert.Null(parsed);
        Assert.StartsWith(problem, refused, StringComparison.Ordinal);
    }
}
