using CaseApi.Infrastructure.Paging;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Audit;

/// <summary>Reads the audit trail newest first with keyset paging on the identity column, the order rows were written in.</summary>
internal static class AuditLog
{
    public static async Task<PagedResponse<AuditEventResponse>> PageAsync(
        CaseDbContext db, AuditQuery query, HttpContext http, CancellationToken ct)
    {
        var events = db.AuditEvents.AsQueryable();
        if (query.EntityType is { } entityType) events = events.Where(e => e.EntityType == entityType);
        if (query.EntityId is { } entityId) events = events.Where(e => e.EntityId == entityId);
        if (query.Actor is { } actor) events = events.Where(e => e.Actor == actor);
        if (query.Action is { } action) events = events.Where(e => e.Action == action);
        if (query.ImportId is { } importId) events = events.Where(e => e.ImportId == importId);
        if (query.From is { } from) events = events.Where(e => e.OccurredAt >= from);
        if (query.To is { } to) events = events.Where(e => e.OccurredAt <= to);

        var total = query.Count == "none" ? (long?)null : await events.LongCountAsync(ct);
        if (PageCursor.TryDecode<AuditPosition>(query.Cursor, out var after)) events = events.Where(e => e.Id < after.Id);

        var rows = await events.OrderByDescending(e => e.Id).Take(query.Limit + 1).ToListAsync(ct);
        var names = await ActorNames.ResolveAsync(db, rows.Select(e => e.Actor), ct);
        var items = rows.ConvertAll(e => new AuditEventResponse(
            e.Id, e.OccurredAt, e.Actor, names.GetValueOrDefault(e.Actor), e.Action, e.EntityType, e.EntityId, e.RequestId, e.ImportId,
            e.Changes?.RootElement.Clone()));
        return KeysetPage.Create(items, query.Limit, total, e => new AuditPosition(e.Id), http.Response);
    }
}

/// <summary>The position of an audit page: the id of its last (oldest) event.</summary>
internal sealed record AuditPosition(long Id);
