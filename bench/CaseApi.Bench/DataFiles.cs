using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CaseApi.Cases;

namespace CaseApi.Bench;

/// <summary>
/// Writes generated cases as import files, one CSV and one NDJSON file per chunk (one import request each),
/// in the column order and list syntax of <see cref="CaseCsv"/> so that the service reads them as any client file.
/// </summary>
internal static class DataFiles
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public sealed record Chunk(long From, long To, string CsvPath, string NdjsonPath)
    {
        public long Rows => To - From;
    }

    /// <summary>The chunks covering cases [from, to); files already written by an earlier run are reused.</summary>
    public static List<Chunk> Write(string directory, long from, long to, int chunkRows)
    {
        Directory.CreateDirectory(directory);
        var chunks = new List<Chunk>();
        for (var start = from; start < to; start += chunkRows)
        {
            var end = Math.Min(to, start + chunkRows);
            var chunk = new Chunk(start, end, Path.Combine(directory, $"cases-{start:D8}-{end:D8}.csv"), Path.Combine(directory, $"cases-{start:D8}-{end:D8}.ndjson"));
            chunks.Add(chunk);
        }
        Parallel.ForEach(chunks.Where(c => !File.Exists(c.CsvPath) || !File.Exists(c.NdjsonPath)), WriteChunk);
        return chunks;
    }

    private static void WriteChunk(Chunk chunk)
    {
        using (var csv = new StreamWriter(chunk.CsvPath + ".tmp", false, new UTF8Encoding(false), 1 << 20))
        using (var ndjson = new StreamWriter(chunk.NdjsonPath + ".tmp", false, new UTF8Encoding(false), 1 << 20))
        {
            csv.Write(string.Join(',', CaseCsv.Columns));
            csv.Write("\r\n");
            for (var n = chunk.From; n < chunk.To; n++)
            {
                var c = CaseGenerator.Generate(n);
                csv.Write(CsvLine(c));
                csv.Write("\r\n");
                ndjson.Write(JsonSerializer.Serialize(c, Json));
                ndjson.Write('\n');
            }
        }
        File.Move(chunk.CsvPath + ".tmp", chunk.CsvPath, overwrite: true);
        File.Move(chunk.NdjsonPath + ".tmp", chunk.NdjsonPath, overwrite: true);
    }

    private static string CsvLine(CaseRequest c) => string.Join(',', CaseCsv.Columns.Select(column => Quote(column switch
    {
        "slug" => c.Slug,
        "title" => c.Title,
        "summary" => c.Summary,
        "activityTypes" => List(c.ActivityTypes),
        "tradecraft" => List(c.Tradecraft),
        "sponsor" => c.Sponsor,
        "sponsorConfidence" => c.SponsorConfidence,
        "collectorType" => c.CollectorType,
        "collectorCitizenship" => c.CollectorCitizenship,
        "defendants" => List(c.Defendants),
        "sectors" => List(c.Sectors),
        "victimTypes" => List(c.VictimTypes),
        "victims" => List(c.Victims),
        "usStates" => List(c.UsStates),
        "venue" => c.Venue,
        "activityStart" => c.ActivityStart,
        "activityEnd" => c.ActivityEnd,
        "chargedOn" => c.ChargedOn,
        "resolvedOn" => c.ResolvedOn,
        "outcome" => c.Outcome,
        "sentenceMonths" => c.SentenceMonths?.ToString(CultureInfo.InvariantCulture),
        "fineUsd" => c.FineUsd?.ToString(CultureInfo.InvariantCulture),
        "lossUsd" => c.LossUsd?.ToString(CultureInfo.InvariantCulture),
        // The JSON form, as the export writes it, so that titles and kinds survive the round trip.
        "sources" => c.Sources is { Count: > 0 } ? JsonSerializer.Serialize(c.Sources, Json) : null,
        "tags" => List(c.Tags),
        "listedIn" => List(c.ListedIn),
        "listEvidence" => c.ListEvidence is { Count: > 0 } ? JsonSerializer.Serialize(c.ListEvidence, Json) : null,
        // A field added after the generator was written: the generator leaves it out, so every row leaves it empty.
        _ when CaseColumns.ByName[column].Requested(c) is null => null,
        _ => throw new InvalidOperationException($"The generator fills {column}, which the CSV writer does not know."),
    })));

    private static string? List(IReadOnlyList<string?>? values) => values is { Count: > 0 } ? string.Join(CaseCsv.ListSeparator, values) : null;

    private static string Quote(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
