using System.Globalization;
using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Imports;

/// <summary>
/// The header row of a tabular import (CSV or a spreadsheet's first sheet) and the rules that turn one row of cells into
/// an <see cref="ImportRow"/>: names match fields as <see cref="ImportHeaderMapping"/> says, the read-only columns of an
/// export (id, sponsorType, …) are accepted and ignored except that the id is checked, lists split on ';', an empty
/// cell is null (it clears the field), numbers are invariant, and sources are a JSON array of source objects or
/// ';'-separated URLs. Both readers hand it cells as text, so the two formats share every rule.
/// </summary>
internal sealed class ImportHeader
{
    private readonly (CaseField Field, int Cell)[] fields;
    private readonly CaseFieldMask present;
    private readonly int idCell;
    private readonly int slugCell;

    private ImportHeader(ImportColumn[] columns)
    {
        Width = columns.Length;
        fields = [.. columns.Select((c, i) => (c.Field, i)).Where(p => p.Field is not null).Select(p => (p.Field!, p.i))];
        present = fields.Aggregate(CaseFieldMask.None, (mask, f) => mask | f.Field.Bit);
        idCell = Array.FindIndex(columns, c => c.ReadOnly == "id");
        slugCell = Array.FindIndex(columns, c => c.Field?.Name == "slug");
    }

    /// <summary>How many columns the header names.</summary>
    public int Width { get; }

    /// <summary>
    /// The header, or why the whole file is refused: empty, unknown, repeated or without a slug column. What each cell
    /// names is <see cref="ImportHeaderMapping"/>'s to say.
    /// </summary>
    public static (ImportHeader? Header, string? Problem) Parse(IEnumerable<string?> cells)
    {
        var columns = cells.Select(ImportHeaderMapping.Match).ToArray();
        var problem = columns.All(c => c.Header.Length == 0) ? "The file is empty: the first row must be a header naming the case fields."
            : columns.FirstOrDefault(c => c.Name is null) is { } unknown ? ImportHeaderMapping.Unknown(unknown)
            : columns.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1) is { } repeated
                ? $"Column '{repeated.First().Header}' appears more than once."
            : !columns.Any(c => c.Field?.Name == "slug") ? "Missing the slug column: every row is matched to a case by its slug."
            : null;
        return problem is null ? (new ImportHeader(columns), null) : (null, problem);
    }

    /// <summary>The slug of a row, for rows that are broken before their cells are read.</summary>
    public string? SlugOf(IReadOnlyList<string?> cells) => Cell(cells, slugCell);

    /// <summary>One row's cells (blank ones null or whitespace) as the case it sets, with an error for each cell not of its field's kind.</summary>
    public ImportRow Map(int number, IReadOnlyList<string?> cells, JsonSerializerOptions json)
    {
        var slug = SlugOf(cells);
        var errors = new List<ImportError>();
        var values = new object?[CaseColumns.Fields.Count];
        foreach (var (field, i) in fields)
        {
            values[field.Index] = Cell(cells, i) is { } cell ? Parse(field, cell, number, slug, errors, json) : null;
        }
        Guid? id = null;
        if (Cell(cells, idCell) is { } idText)
        {
            if (Guid.TryParse(idText.Trim(), out var parsed)) id = parsed;
            else errors.Add(new ImportError(number, slug, "id", $"'{Shorten(idText)}' is not a case id (a UUID)."));
        }
        return new ImportRow(number, CaseColumns.ToRequest(values), slug, errors, present, id);
    }

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string? Cell(IReadOnlyList<string?> cells, int i) =>
        i >= 0 && i < cells.Count && !string.IsNullOrWhiteSpace(cells[i]) ? cells[i] : null;

    private static object? Parse(CaseField field, string cell, int number, string? slug, List<ImportError> errors, JsonSerializerOptions json)
    {
        object? Invalid(string kind)
        {
            errors.Add(new ImportError(number, slug, field.Name, $"'{Shorten(cell)}' is not {kind}."));
            return null;
        }

        return field.Kind switch
        {
            CaseFieldKind.List => cell.Split(CaseCsv.ListSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            CaseFieldKind.Integer =>
                int.TryParse(cell.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : Invalid("a whole number"),
            CaseFieldKind.Number =>
                decimal.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : Invalid("a number"),
            CaseFieldKind.Sources => Objects(field, cell, url => new CaseSource(url), number, slug, errors, json),
            CaseFieldKind.Evidence => Objects(field, cell, ListEvidence.FromPair, number, slug, errors, json),
            _ => cell,
        };
    }

    /// <summary>
    /// The export writes lists of objects as a JSON array (nothing lost); people writing a sheet by hand list short forms
    /// separated by ';' (a source's URL, a list's "code=reference").
    /// </summary>
    private static List<T?>? Objects<T>(
        CaseField field, string cell, Func<string, T> shortForm, int number, string? slug, List<ImportError> errors, JsonSerializerOptions json)
    {
        if (!cell.TrimStart().StartsWith('['))
        {
            return [.. cell.Split(CaseCsv.ListSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(shortForm)];
        }
        try
        {
            return JsonSerializer.Deserialize<List<T?>>(cell, json);
        }
        catch (JsonException e)
        {
            var (path, message) = ApiJson.Describe(e);
            errors.Add(new ImportError(number, slug, path == "$" ? field.Name : $"{field.Name}{(path.StartsWith('[') ? "" : ".")}{path}", message));
            return null;
        }
    }
}
