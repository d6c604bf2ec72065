using System.Buffers.Text;
using System.Globalization;
using System.Text;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Paging;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Audit;

/// <summary>Reads the audit trail newest first with keyset paging on the identity column, the order rows were written in.</summary>
internal static class AuditLog
{
    public static async Task<PagedResponse<AuditEventResponse>> PageAsync(ReadOnlyCaseDbContext db, AuditQuery query, HttpContext http, CancellationToken ct)
    {
        var events = db.AuditEvents.AsQueryable();
        if (query.EntityType is { } entityType) events = events.Where(e => e.EntityType == entityType);
        if (query.EntityId is { } entityId) events = events.Where(e => e.EntityId == entityId);
        if (query.Actor is { } actor) events = events.Where(e => e.Actor == actor);
        if (query.Action is { } action) events = events.Where(e => e.Action == action);
        if (query.From is { } from) events = events.Where(e => e.OccurredAt >= from);
        if (query.To is { } to) events = events.Where(e => e.OccurredAt <= to);

        var total = query.Count == "none" ? (long?)null : await events.LongCountAsync(ct);
        if (query.Cursor is not null && TryParseCursor(query.Cursor, out var after)) events = events.Where(e => e.Id < after);

        // One row more than the page tells whether a next page exists without a second query.
        var rows = await events.OrderByDescending(e => e.Id).Take(query.Limit + 1).ToListAsync(ct);
        var page = rows.Take(query.Limit).Select(e => new AuditEventResponse(
            e.Id, e.OccurredAt, e.Actor, e.Action, e.EntityType, e.EntityId, e.RequestId, e.ImportId, e.Changes?.RootElement.Clone())).ToList();
        var next = rows.Count > query.Limit ? Cursor(page[^1].Id) : null;
        if (next is not null) http.Response.Headers.Link = $"<{NextUrl(http.Request, next)}>; rel=\"next\"";
        return new PagedResponse<AuditEventResponse>(page, total, next);
    }

    // Opaque to clients, so the paging key can change without breaking them.
    private static string Cursor(long id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"a{id.ToString(CultureInfo.InvariantCulture)}"));

    public static bool TryParseCursor(string cursor, out long id)
    {
        id = 0;
        if (cursor.Length > 40) return false;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith('a') && long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out id);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string NextUrl(HttpRequest request, string cursor)
    {
        var query = request.Query.Where(p => p.Key != "cursor").Append(new("cursor", cursor));
        return QueryHelpers.AddQueryString($"{request.PathBase}{request.Path}", query);
    }
}
