using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Infrastructure.Json;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Review;

/// <summary>
/// A proposal as reviewers see it: the case as it is now, the case as proposed (the stored change applied to it the way the
/// write endpoints apply a body: a merge patch merged into the case's fields, a replacement as sent) and the field-level diff
/// between them, the same <c>{from, to}</c> the audit records.
/// </summary>
internal static class ProposalReads
{
    public static async Task<ProposalResponse> DescribeAsync(CaseDbContext db, Proposal p, JsonSerializerOptions json, CancellationToken ct)
    {
        var current = p.CaseId is { } id ? await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) : null;
        return Describe(p, current, json);
    }

    public static ProposalResponse Describe(Proposal p, Case? current, JsonSerializerOptions json)
    {
        var now = current is null ? null : Record(current.ToRequest(), json);
        var proposed = Proposed(p, now, json);
        var changes = AuditTrail.Diff(now ?? [], proposed ?? []);
        return new ProposalResponse(p.Id, p.Kind, p.Status, p.CaseId, p.Slug, p.BaseVersion,
            current is null ? null : $"\"{current.Version}\"", p.Note, p.Author, p.ProposedAt, p.DecidedBy, p.DecidedAt, p.Reason,
            p.Change?.RootElement.Clone(), JsonSerializer.SerializeToElement(changes));
    }

    /// <summary>The case's writable fields as the proposal would leave them; null for a delete (or a patch of a case now gone).</summary>
    public static JsonObject? Proposed(Proposal p, JsonObject? current, JsonSerializerOptions json)
    {
        if (p.Kind == ProposalKinds.Delete || p.Change is null) return null;
        var change = JsonSerializer.SerializeToNode(p.Change.RootElement, json);
        if (p.Kind != ProposalKinds.Patch) return Normalised(change, json);
        return current is null ? null : Normalised(MergePatch.Apply(current.DeepClone(), change), json);
    }

    public static JsonObject Record(CaseRequest request, JsonSerializerOptions json) =>
        (JsonObject)JsonSerializer.SerializeToNode(request, json)!;

    // Through the request type and back, so that a proposal's record and the case's compare field by field as the audit does.
    private static JsonObject? Normalised(JsonNode? node, JsonSerializerOptions json) =>
        node.Deserialize<CaseRequest>(json) is { } request ? Record(request, json) : null;
}
