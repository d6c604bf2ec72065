using System.Data.Common;
using System.Text.Json;
using CaseApi.Entities;
using CaseApi.Store;

namespace CaseApi.Cases;

/// <summary>The entity ids a case's names are linked to, by role (<see cref="EntityCodes.NamedRoles"/>; each list ordered by id).</summary>
internal sealed record CaseEntityIds(IReadOnlyDictionary<string, string[]> ByRole)
{
    public static CaseEntityIds None { get; } = new(new Dictionary<string, string[]>());

    /// <summary>The ids linked in one role; empty when none is.</summary>
    public IReadOnlyList<string> Of(string role) => ByRole.GetValueOrDefault(role) ?? [];
}

/// <summary>
/// Reads the links in the named roles of a batch of exported cases from the view's link table, on a connection beside the
/// one streaming the cases (one statement per batch, answered as one JSON object: case id → role → ids).
/// </summary>
internal sealed class CaseEntityIdsReader(DbConnection connection, StoreView view) : IAsyncDisposable
{
    public const int BatchSize = 1_000;

    public async Task<IReadOnlyDictionary<Guid, CaseEntityIds>> ReadAsync(IReadOnlyList<Guid> cases, CancellationToken ct)
    {
        Guid[] ids = [.. cases];
        string[] roles = [.. EntityCodes.Roles];
        var json = await connection.ScalarAsync<string>(SqlFragment.Of($"""
            SELECT coalesce(jsonb_object_agg(t.case_id, t.roles), jsonb_build_object())::text FROM (
                SELECT r.case_id, jsonb_object_agg(r.role, r.ids) AS roles FROM (
                    SELECT l.case_id, l.role, jsonb_agg(l.entity_id ORDER BY l.entity_id) AS ids FROM {view.Table("case_entities")} l
                    WHERE l.case_id = ANY({ids}) AND l.role = ANY({roles}) GROUP BY l.case_id, l.role) r
                GROUP BY r.case_id) t
            """), ct);
        var parsed = JsonSerializer.Deserialize<Dictionary<Guid, Dictionary<string, string[]>>>(json) ?? [];
        return parsed.ToDictionary(p => p.Key, p => new CaseEntityIds(p.Value));
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
