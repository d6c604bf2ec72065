using CaseApi.Cases;
using Npgsql;
using NpgsqlTypes;

namespace CaseApi.Bench;

/// <summary>The import reference: a raw binary COPY of generated cases into a table shaped like cases.</summary>
internal static class CaseCopy
{
    private const string Columns =
        "id, slug, title, summary, activity_types, tradecraft, sponsor_code, sponsor_confidence, collector_type, " +
        "collector_citizenship, defendants, sectors, victim_types, victims, us_states, venue, activity_start, " +
        "activity_start_precision, activity_end, activity_end_precision, charged_on, charged_on_precision, resolved_on, " +
        "resolved_on_precision, outcome, sentence_months, fine_usd, loss_usd, sources, tags, listed_in, created_at, updated_at";

    /// <summary>Writes the cases; their ids are added to <paramref name="ids"/> when given.</summary>
    public static async Task<long> WriteAsync(
        NpgsqlConnection connection, string table, IReadOnlyList<CaseRequest> cases, DateTimeOffset now, List<Guid>? ids = null)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)");
        foreach (var c in cases)
        {
            var id = Guid.CreateVersion7(now);
            ids?.Add(id);
            await copy.StartRowAsync();
            await copy.WriteAsync(id, NpgsqlDbType.Uuid);
            await copy.WriteAsync(c.Slug!, NpgsqlDbType.Varchar);
            await copy.WriteAsync(c.Title!, NpgsqlDbType.Varchar);
            await Nullable(copy, c.Summary, NpgsqlDbType.Varchar);
            await Array(copy, c.ActivityTypes);
            await Array(copy, c.Tradecraft);
            await Nullable(copy, c.Sponsor, NpgsqlDbType.Varchar);
            await Nullable(copy, c.SponsorConfidence, NpgsqlDbType.Varchar);
            await copy.WriteAsync(c.CollectorType!, NpgsqlDbType.Varchar);
            await Nullable(copy, c.CollectorCitizenship, NpgsqlDbType.Varchar);
            await Array(copy, c.Defendants);
            await Array(copy, c.Sectors);
            await Array(copy, c.VictimTypes);
            await Array(copy, c.Victims);
            await Array(copy, c.UsStates);
            await Nullable(copy, c.Venue, NpgsqlDbType.Varchar);
            await Date(copy, c.ActivityStart);
            await Date(copy, c.ActivityEnd);
            await Date(copy, c.ChargedOn);
            await Date(copy, c.ResolvedOn);
            await copy.WriteAsync(c.Outcome!, NpgsqlDbType.Varchar);
            await Nullable(copy, c.SentenceMonths, NpgsqlDbType.Integer);
            await Nullable(copy, c.FineUsd, NpgsqlDbType.Numeric);
            await Nullable(copy, c.LossUsd, NpgsqlDbType.Numeric);
            await copy.WriteAsync(System.Text.Json.JsonSerializer.Serialize(c.Sources ?? [], DataFiles.Json), NpgsqlDbType.Jsonb);
            await Array(copy, c.Tags);
            await Array(copy, c.ListedIn);
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
        }
        return (long)await copy.CompleteAsync();
    }

    private static Task Nullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type) =>
        value is null ? copy.WriteNullAsync() : copy.WriteAsync(value, type);

    private static Task Array(NpgsqlBinaryImporter copy, IReadOnlyList<string?>? values) =>
        copy.WriteAsync(values?.OfType<string>().ToArray() ?? [], NpgsqlDbType.Array | NpgsqlDbType.Text);

    // Stored as the first day of the period plus the precision's name, as CaseConfiguration maps PartialDate.
    private static async Task Date(NpgsqlBinaryImporter copy, string? text)
    {
        if (PartialDate.TryParse(text, out var date))
        {
            await copy.WriteAsync(date.Value, NpgsqlDbType.Date);
            await copy.WriteAsync(date.Precision.ToString(), NpgsqlDbType.Varchar);
        }
        else
        {
            await copy.WriteNullAsync();
            await copy.WriteNullAsync();
        }
    }
}
