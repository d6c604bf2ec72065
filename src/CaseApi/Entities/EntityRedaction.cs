using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Infrastructure.Errors;
using CaseApi.Linkage;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Entities;

/// <summary>What a redaction came to: done (the redaction's id, the entity as it is now, how much was rewritten), or why not.</summary>
public abstract record EntityRedactionOutcome
{
    public sealed record Redacted(long Id, Entity Entity, int Cases, int Entries, int AuditEvents) : EntityRedactionOutcome;

    public sealed record NotFound(string IdOrSlug) : EntityRedactionOutcome;

    public sealed record Refused(string Code, string Detail) : EntityRedactionOutcome;
}

/// <summary>
/// Redacts a person (or any entity) from the store and its past, in one transaction: the entity's name becomes the placeholder
/// <c>Redacted {kind} {last 8 hex digits of its id}</c>, its slug <c>redacted-{last 12 hex digits}</c>, and its aliases,
/// identifiers, description and sources are emptied; in the cases that name it, each defendant or victim name that finds it
/// becomes the placeholder, and the title, summary, sources and list references have every spelling of it (name, aliases, the
/// names cases and list entries wrote, its match keys; whole words, any case, and then their slug forms) replaced, a slug that
/// holds one gets a new one (<see cref="CaseSlugRedaction"/>), and the list entries that name it are rewritten
/// (<see cref="ListEntryRedaction"/>). Entities merged into it are redacted with it. Then the store's function history_redact
/// (migrations EntityRedaction, RedactionOfCaseSlugs) rewrites the same in every history entry, audit row and import report, and
/// records a redaction in the hash chain naming the entries it rewrote, which /audit/verify then checks by their stored hash.
/// </summary>
public static class EntityRedaction
{
    private const int RegexTimeoutMs = 2_000;

    public static string Placeholder(Entity e) => $"Redacted {e.Kind} {e.Id.ToString("N")[^8..]}";

    public static async Task<EntityRedactionOutcome> RunAsync(
        CaseDbContext db, string idOrSlug, string reason, string actor, Func<string, string, string, JsonObject, AuditEvent> audit,
        DateTimeOffset now, CancellationToken ct)
    {
        var target = await db.Entities.FirstOrDefaultAsync(EntityReads.Matching(idOrSlug), ct);
        if (target is null) return new EntityRedactionOutcome.NotFound(idOrSlug);
        if (target.MergedInto is { } survivor)
        {
            return new EntityRedactionOutcome.Refused(ProblemCodes.EntityMerged,
                $"'{target.Slug}' was merged into {survivor}; redact that entity (its merged entities are redacted with it).");
        }
        var group = await db.Entities.Where(e => e.MergedInto == target.Id).ToListAsync(ct);
        group.Insert(0, target);
        var ids = group.ConvertAll(e => e.Id);
        var keys = group.SelectMany(e => e.MatchKeys).ToHashSet(StringComparer.Ordinal);
        var terms = group.SelectMany(e => e.Aliases.Prepend(e.Name).Concat(e.MatchKeys.Where(k => !k.StartsWith('#'))))
            .ToHashSet(StringComparer.Ordinal);
        var placeholder = Placeholder(target);

        var cases = await db.Cases.Where(c => db.CaseEntityLinks.Any(l => l.CaseId == c.Id && ids.Contains(l.EntityId))).ToListAsync(ct);
        foreach (var c in cases)
        {
            // The names this case wrote for the entity are spellings to remove everywhere else too.
            terms.UnionWith(EntityLinks.Written(c).Select(w => w.Name).Where(n => EntityNames.LookupKeys(n).Any(keys.Contains)));
        }
        var listEntries = await ListEntryRedaction.FindAsync(db, keys, [.. terms, .. CaseSlugRedaction.Forms(terms)], ct);
        terms.UnionWith(listEntries.Written());
        var pattern = Pattern(terms);
        var slugs = await CaseSlugRedaction.MapAsync(db, cases, terms, placeholder, ct);
        // Spellings as words, then their slug forms (in URLs and references), as history_redact_text replaces them.
        string Scrub(string text) => slugs.Scrub(pattern.Replace(text, placeholder));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var c in cases)
        {
            var fields = Redact(c, keys, Scrub, placeholder);
            if (slugs.Current(c) is { } slug)
            {
                c.Slug = slug;
                fields.Add("slug");
            }
            if (fields.Count == 0) continue;
            c.UpdatedAt = now;
            db.AuditEvents.Add(audit("redact", "case", c.Id.ToString(), Fields(fields, target.Id)));
        }
        var scrubbed = pattern.Replace(reason, placeholder);
        var rows = new List<(Entity Entity, string[] OwnTerms)>();
        foreach (var e in group)
        {
            rows.Add((e, [e.Slug, .. e.Identifiers.Values, .. e.Sources, .. e.Description is { } d ? [d] : Array.Empty<string>()]));
            e.Name = Placeholder(target);
            e.Slug = $"redacted-{e.Id.ToString("N")[^12..]}";
            e.Aliases = [];
            e.Identifiers = [];
            e.Description = null;
            e.Sources = [];
            e.MatchKeys = e.Id == target.Id ? EntityNames.MatchKeys(e.Kind, e.Name, []) : [$"#{e.Id}"];
            e.UpdatedAt = now;
            db.AuditEvents.Add(audit("redact", "entity", e.Id.ToString(), new JsonObject { ["reason"] = scrubbed }));
        }
        await listEntries.RedactAsync(db, Scrub, placeholder, now, ct);
        var caseIds = cases.ConvertAll(c => c.Id).ToArray();
        await ListEntryRedaction.ForgetCaseKeysAsync(db, caseIds, ct);
        await db.SaveChangesAsync(ct);

        var termList = terms.ToArray();
        var (redaction, entries, audits) = (0L, 0, 0);
        // Merged entities first, so the survivor's redaction is the one returned; each is its own redaction in the chain.
        foreach (var (e, own) in Enumerable.Reverse(rows))
        {
            var row = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["name"] = e.Name, ["slug"] = e.Slug, ["aliases"] = e.Aliases, ["match_keys"] = e.MatchKeys,
                ["identifiers"] = e.Identifiers, ["description"] = null, ["sources"] = e.Sources,
            });
            var id = await db.Database.Query<long>(SqlFragment.Of($"""
                SELECT history_redact({e.Id}, {caseIds}, {termList}, {own}, {placeholder}, {row}::jsonb, {scrubbed}, {actor},
                                      {slugs.Cases}, {slugs.From}, {slugs.To}, {slugs.Words}, {slugs.Replacement}) AS "Value"
                """)).SingleAsync(ct);
            var done = await db.Database.Query<RedactionRow>(SqlFragment.Of($"""
                SELECT r.id, cardinality(r.entries) AS entries, cardinality(r.audit_events) AS audit_events FROM redactions r WHERE r.id = {id}
                """)).SingleAsync(ct);
            (redaction, entries, audits) = (done.Id, entries + done.Entries, audits + done.AuditEvents);
        }
        await transaction.CommitAsync(ct);
        return new EntityRedactionOutcome.Redacted(redaction, target, cases.Count, entries, audits);
    }

    /// <summary>Redacts one case in place; the names of the fields it changed.</summary>
    private static List<string> Redact(Case c, HashSet<string> keys, Func<string, string> scrub, string placeholder)
    {
        var changed = new List<string>();
        string[] Names(string[] names, string field)
        {
            var redacted = names.Select(n => EntityNames.LookupKeys(n).Any(keys.Contains) ? placeholder : scrub(n))
                .Distinct(StringComparer.Ordinal).ToArray();
            if (!redacted.SequenceEqual(names, StringComparer.Ordinal)) changed.Add(field);
            return redacted;
        }
        foreach (var (_, field) in EntityLinks.RoleFields)
        {
            field.Store(c, Names((string[])field.Stored(c)!, field.Name));
        }
        if (scrub(c.Title) is var title && title != c.Title)
        {
            c.Title = title;
            changed.Add("title");
        }
        if (c.Summary is { } summary && scrub(summary) is var redactedSummary && redactedSummary != summary)
        {
            c.Summary = redactedSummary;
            changed.Add("summary");
        }
        string? Scrub(string? text) => text is null ? null : scrub(text);
        var sources = c.Sources.ConvertAll(s => s with { Url = Scrub(s.Url), Title = Scrub(s.Title), Publisher = Scrub(s.Publisher) });
        if (!sources.SequenceEqual(c.Sources))
        {
            c.Sources = sources;
            changed.Add("sources");
        }
        // A list's reference (often a URL naming the person) changes as the list entry's does, so the two still meet.
        var evidence = c.ListEvidence.ConvertAll(e => e with { Reference = Scrub(e.Reference) });
        if (!evidence.SequenceEqual(c.ListEvidence))
        {
            c.ListEvidence = evidence;
            changed.Add("listEvidence");
        }
        return changed;
    }

    /// <summary>Whole-word, case-insensitive occurrences of any term (the longest first), as history_redact matches them.</summary>
    private static Regex Pattern(IEnumerable<string> terms)
    {
        var words = terms.Where(t => t.Length >= 2).OrderByDescending(t => t.Length).Select(Regex.Escape).ToList();
        // No term long enough: a pattern that matches nothing (an empty alternation would match everywhere).
        return new Regex(words.Count == 0 ? "(?!)" : "(?<![\\p{L}\\p{N}_])(" + string.Join('|', words) + ")(?![\\p{L}\\p{N}_])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(RegexTimeoutMs));
    }

    /// <summary>A redaction's audit of a case: which fields it changed, never their values.</summary>
    private static JsonObject Fields(List<string> fields, Guid entity) => new()
    {
        ["redactedFields"] = new JsonArray([.. fields.Select(f => (JsonNode)f)]), ["entity"] = entity.ToString(),
    };

    private sealed record RedactionRow(long Id, int Entries, int AuditEvents);
}
