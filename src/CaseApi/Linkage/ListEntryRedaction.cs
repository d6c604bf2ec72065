using System.Text.Json.Nodes;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using static CaseApi.Store.SqlFragment;

namespace CaseApi.Linkage;

/// <summary>
/// A person's redaction in the list entries (which the history does not capture, so the store is all there is): the entries
/// that name the person, found by the names they list (read as the upload read them, keyed as an entity is) or by a spelling
/// anywhere in their raw row, have every spelling replaced in the raw row, the reference, the names, the headline and the
/// places, and their name keys recomputed from the redacted names. The blocker's index of the redacted cases is dropped, to be rebuilt
/// from their redacted names at the next match.
/// </summary>
internal sealed class ListEntryRedaction
{
    private readonly List<(SourceListEntry Entry, NameOrder Order, string? NamesColumn)> entries;
    private readonly IReadOnlySet<string> keys;

    private ListEntryRedaction(List<(SourceListEntry, NameOrder, string?)> entries, IReadOnlySet<string> keys) =>
        (this.entries, this.keys) = (entries, keys);

    /// <summary>The entries whose names find one of <paramref name="keys"/> or whose raw row holds a term, tracked for the rewrite.</summary>
    public static async Task<ListEntryRedaction> FindAsync(
        CaseDbContext db, IReadOnlySet<string> keys, IReadOnlyCollection<string> terms, CancellationToken ct)
    {
        string[] keyList = [.. keys];
        string[] termList = [.. terms];
        // A name key is written in reading order, a match key with its words sorted: sort them to compare.
        var found = await db.ListEntries.Query(Of($"""
            SELECT e.* FROM list_entries e
            WHERE EXISTS (SELECT FROM unnest(e.name_keys) k
                          WHERE array_to_string(ARRAY(SELECT w FROM unnest(string_to_array(k, ' ')) w ORDER BY w COLLATE "C"), ' ') = ANY({keyList}))
               OR e.raw::text ~* history_redaction_pattern({termList})
            """)).ToListAsync(ct);
        var lists = found.Select(e => e.ListCode).Distinct().ToList();
        var mappings = await db.ListMappings.AsNoTracking().Where(m => lists.Contains(m.ListCode)).ToDictionaryAsync(m => m.ListCode, ct);
        return new([.. found.Select(e => mappings.TryGetValue(e.ListCode, out var m)
            ? (e, m.NameOrder, m.Names)
            : (e, NameOrder.Auto, (string?)null))], keys);
    }

    /// <summary>The spellings of the person the entries wrote ("MALLORY, Kevin"), to be replaced everywhere else too.</summary>
    public IEnumerable<string> Written() =>
        entries.SelectMany(e => NameNormaliser.ParsePeople(e.Entry.Names, e.Order)).Where(Finds).Select(n => n.Source);

    /// <summary>
    /// Rewrites the entries in place (saved with the caller's SaveChanges), each text through <paramref name="scrub"/>; a
    /// reference that would then be another entry's of the list keeps its entry's id after it, so re-uploads still tell them apart.
    /// </summary>
    public async Task RedactAsync(CaseDbContext db, Func<string, string> scrub, string placeholder, DateTimeOffset now, CancellationToken ct)
    {
        var references = entries.ToDictionary(e => e.Entry.Id, e => scrub(e.Entry.Reference));
        string[] wanted = [.. references.Values.Distinct(StringComparer.Ordinal)];
        var ids = references.Keys.ToList();
        var taken = (await db.ListEntries.AsNoTracking().Where(e => wanted.Contains(e.Reference) && !ids.Contains(e.Id))
            .Select(e => new { e.ListCode, e.Reference }).ToListAsync(ct)).Select(e => (e.ListCode, e.Reference)).ToHashSet();
        foreach (var (entry, order, namesColumn) in entries)
        {
            var reference = references[entry.Id];
            if (reference != entry.Reference && !taken.Add((entry.ListCode, reference))) reference = $"{reference} {entry.Id:N}";
            entry.Reference = reference[..Math.Min(reference.Length, ListEntryUpload.MaxReferenceLength)];
            var names = entry.Names is { } n ? scrub(n) : null;
            // A spelling the pattern cannot see (other punctuation or accents than the names it knows): the cell is rewritten
            // name by name, as the matcher reads it.
            if (NameNormaliser.ParsePeople(names, order).Any(Finds))
            {
                names = string.Join("; ", NameNormaliser.ParsePeople(names, order).Select(p => Finds(p) ? placeholder : p.Source));
            }
            var raw = Redact(JsonNode.Parse(entry.Raw), scrub);
            if (raw is JsonObject row && namesColumn is not null && names != entry.Names
                && row.FirstOrDefault(p => string.Equals(p.Key, namesColumn, StringComparison.OrdinalIgnoreCase)) is { Key: { } column })
            {
                row[column] = names;
            }
            entry.Raw = raw?.ToJsonString() ?? "{}";
            entry.Names = names;
            entry.Headline = entry.Headline is { } h ? scrub(h) : null;
            entry.Places = entry.Places is { } p ? scrub(p) : null;
            entry.NameKeys = [.. NameNormaliser.ParsePeople(names, order).Select(x => x.Key).Distinct(StringComparer.Ordinal)];
            entry.UpdatedAt = now;
        }
    }

    /// <summary>Drops the blocker's index of the cases (their names are redacted); the next match rebuilds it.</summary>
    public static Task ForgetCaseKeysAsync(CaseDbContext db, Guid[] cases, CancellationToken ct) =>
        db.Database.ExecuteAsync(Of($"DELETE FROM linkage_case_keys WHERE case_id = ANY({cases})"), ct);

    private bool Finds(NormalisedName name) => name.Forms().Any(f => keys.Contains(string.Join(' ', f.Order(StringComparer.Ordinal))));

    private static JsonNode? Redact(JsonNode? node, Func<string, string> scrub) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Redact(p.Value?.DeepClone(), scrub)))),
        JsonArray a => new JsonArray([.. a.Select(v => Redact(v?.DeepClone(), scrub))]),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => JsonValue.Create(scrub(v.GetValue<string>())),
        _ => node,
    };
}
