using System.Text.Json;

namespace CaseApi.Imports;

/// <summary>
/// Opens an upload in its format's <see cref="IImportReader"/>. A text format is looked at first (a file that is not
/// text at all is refused before any parser sees it); a tabular file's header is read at once, so a file whose header
/// cannot be mapped is refused whole. A new format is one more reader and one more line here and in
/// <see cref="ImportUpload.Formats"/>.
/// </summary>
internal static class ImportReaders
{
    public static async Task<(IImportReader? Reader, ImportRefusal? Refusal)> OpenAsync(
        string format, Stream upload, JsonSerializerOptions json, ImportOptions limits, CancellationToken ct)
    {
        if (format == "xlsx") return await XlsxImportReader.OpenAsync(upload, json, limits, ct);
        var (text, head, looksLike) = await ImportUpload.ReadTextAsync(upload, ct);
        if (text is null)
        {
            return (null, new ImportRefusal(ImportRefusalReason.NotAnImportFormat, "The file is not text.",
                $"The file was sent as {format} but looks like {looksLike}. Send {ImportUpload.Accepted}."));
        }
        if (format != "csv") return (JsonImportReader.Open(text, json, oneRecordALine: format == "ndjson"), null);
        var (csv, csvProblem) = await CsvImportReader.OpenAsync(text, head, json);
        return (csv, csv is null ? Malformed("The CSV header", csvProblem!) : null);
    }

    private static ImportRefusal Malformed(string what, string detail) => new(ImportRefusalReason.Malformed, $"{what} is not valid.", detail);
}
