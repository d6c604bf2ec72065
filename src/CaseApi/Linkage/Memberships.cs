using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;

namespace CaseApi.Linkage;

/// <summary>
/// A case's membership of a list and its evidence, changed one reference at a time so that <c>listedIn</c> and
/// <c>listEvidence</c> stay consistent (the constraint ck_cases_list_evidence_listed holds them to it too): a list
/// may hold several references for one case (several releases about one case), each once.
/// </summary>
internal static class Memberships
{
    /// <summary>Adds the list and the evidence; a reference already there is left as it was. False when nothing changed.</summary>
    public static bool Link(Case c, ListEvidence evidence)
    {
        var changed = false;
        if (!c.ListedIn.Contains(evidence.List!))
        {
            c.ListedIn = [.. c.ListedIn, evidence.List!];
            changed = true;
        }
        if (evidence.Reference is null || c.ListEvidence.Any(e => e.List == evidence.List && e.Reference == evidence.Reference)) return changed;
        c.ListEvidence = [.. c.ListEvidence, evidence];
        return true;
    }

    /// <summary>Removes one reference's evidence; the list goes too when no evidence of it is left.</summary>
    public static void Unlink(Case c, string list, string reference)
    {
        c.ListEvidence = [.. c.ListEvidence.Where(e => !(e.List == list && e.Reference == reference))];
        if (!c.ListEvidence.Any(e => e.List == list)) c.ListedIn = [.. c.ListedIn.Where(l => l != list)];
    }

    /// <summary>Sets the list's evidence to the given references: kept ones keep who matched them and how, new ones are manual.</summary>
    public static void Set(Case c, string list, IReadOnlyList<string> references, string actor, DateTimeOffset now)
    {
        var kept = c.ListEvidence.Where(e => e.List == list && e.Reference is { } r && references.Contains(r)).ToList();
        var added = references.Where(r => !kept.Any(e => e.Reference == r)).Distinct(StringComparer.Ordinal)
            .Select(r => new ListEvidence(list, r, "manual", actor, now));
        c.ListEvidence = [.. c.ListEvidence.Where(e => e.List != list), .. kept, .. added];
        if (!c.ListedIn.Contains(list)) c.ListedIn = [.. c.ListedIn, list];
    }

    /// <summary>Removes the list and all its evidence.</summary>
    public static void Remove(Case c, string list)
    {
        c.ListEvidence = [.. c.ListEvidence.Where(e => e.List != list)];
        c.ListedIn = [.. c.ListedIn.Where(l => l != list)];
    }

    /// <summary>The two fields a membership change touches, as the audit diff compares them.</summary>
    public static JsonObject Snapshot(Case c, JsonSerializerOptions json) => new()
    {
        ["listedIn"] = JsonSerializer.SerializeToNode(c.ListedIn, json),
        ["listEvidence"] = JsonSerializer.SerializeToNode(c.ListEvidence, json),
    };
}
