using System.Text.RegularExpressions;
using CaseApi.Cases;
using CaseApi.Linkage;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using static CaseApi.Store.SqlFragment;

namespace CaseApi.Entities;

/// <summary>
/// The slugs a redaction changes: every slug a redacted case has or ever had (its history entries) that contains a term's
/// slug form (its folded words joined by hyphens, "kevin-mallory", as whole hyphen-separated words) gets the slug form of the
/// placeholder in its place ("us-v-kevin-mallory" becomes "us-v-redacted-person-3f9c0a12"); a slug another case has or had is
/// followed by the last 12 hex digits of the case's id, as a new entity's taken slug is. Old slug i of case <see cref="Cases"/>[i]
/// becomes <see cref="To"/>[i], in the current row here and in the history and audit trail through history_redact. Elsewhere
/// (URLs of sources, list references) the slug forms of two or more words become the placeholder's (<see cref="Scrub"/>); a
/// one-word spelling is a word the name pattern replaces already.
/// </summary>
internal sealed record CaseSlugRedaction(string[] Cases, string[] From, string[] To, string[] Words, string Replacement)
{
    private const int MaxSlugLength = 120;

    private Regex? WordsPattern { get; } = Words.Length == 0 ? null : Between(Words, RegexOptions.IgnoreCase);

    /// <summary>The text with every slug form of two or more words replaced by the placeholder's.</summary>
    public string Scrub(string text) => WordsPattern?.Replace(text, Replacement) ?? text;

    /// <summary>The case's new slug, or null when its slug stays.</summary>
    public string? Current(Case c) =>
        Enumerable.Range(0, Cases.Length).FirstOrDefault(i => Cases[i] == c.Id.ToString() && From[i] == c.Slug, -1) is var i and >= 0
            ? To[i] : null;

    /// <summary>The slug forms of the terms: their folded words joined by hyphens ("kevin-mallory").</summary>
    public static IEnumerable<string> Forms(IEnumerable<string> terms) =>
        terms.Select(t => string.Join('-', TextFolding.Words(t))).Where(w => w.Length >= 2).Distinct(StringComparer.Ordinal);

    public static async Task<CaseSlugRedaction> MapAsync(
        CaseDbContext db, IReadOnlyList<Case> cases, IEnumerable<string> terms, string placeholder, CancellationToken ct)
    {
        var words = Forms(terms).ToList();
        var replacement = EntityNames.SlugFor(placeholder);
        string[] joined = [.. words.Where(w => w.Contains('-', StringComparison.Ordinal))];
        if (words.Count == 0 || cases.Count == 0) return new([], [], [], joined, replacement);
        var pattern = Between(words, RegexOptions.None);
        string[] keys = [.. cases.Select(c => c.Id.ToString())];
        var past = await db.Database.Query<SlugRow>(Of($"""
            SELECT DISTINCT h.key, h.slug FROM history_entries h WHERE h.entity = 'case' AND h.key = ANY({keys}) AND h.slug IS NOT NULL
            """)).ToListAsync(ct);
        var named = cases.Select(c => new SlugRow(c.Id.ToString(), c.Slug)).Concat(past).Distinct().Where(s => pattern.IsMatch(s.Slug)).ToList();
        if (named.Count == 0) return new([], [], [], joined, replacement);

        string[] wanted = [.. named.Select(s => Fit(pattern.Replace(s.Slug, replacement)))];
        var ids = cases.Select(c => c.Id).ToList();
        var taken = (await db.Cases.AsNoTracking().Where(c => wanted.Contains(c.Slug) && !ids.Contains(c.Id)).Select(c => c.Slug).ToListAsync(ct))
            .Concat(await db.Database.Query<string>(Of($"""
                SELECT DISTINCT h.slug AS "Value" FROM history_entries h
                WHERE h.entity = 'case' AND h.slug = ANY({wanted}) AND NOT h.key = ANY({keys})
                """)).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < named.Count; i++)
        {
            if (taken.Contains(wanted[i]) || (owners.TryGetValue(wanted[i], out var owner) && owner != named[i].Key))
            {
                wanted[i] = $"{wanted[i][..Math.Min(wanted[i].Length, 100)].TrimEnd('-')}-{Guid.Parse(named[i].Key).ToString("N")[^12..]}";
            }
            owners[wanted[i]] = named[i].Key;
        }
        return new([.. named.Select(s => s.Key)], [.. named.Select(s => s.Slug)], wanted, joined, replacement);
    }

    /// <summary>Any of the slug forms, longest first, as a whole word (as history_redaction_pattern matches them).</summary>
    private static Regex Between(IEnumerable<string> words, RegexOptions options) =>
        new(@"(?<![\p{L}\p{N}_])(" + string.Join('|', words.OrderByDescending(w => w.Length).Select(Regex.Escape)) + @")(?![\p{L}\p{N}_])",
            options | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));

    private static string Fit(string slug) => slug.Length <= MaxSlugLength ? slug : slug[..MaxSlugLength].TrimEnd('-');

    private sealed record SlugRow(string Key, string Slug);
}
