using System.Linq.Expressions;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Entities;

/// <summary>How entities are found and searched, in the current store or as of a history position, and how a request becomes one.</summary>
internal static class EntityReads
{
    /// <summary>The one identifier rule of /entities/{id}: a UUID is an id, anything else a slug.</summary>
    public static Expression<Func<Entity, bool>> Matching(string idOrSlug) =>
        Guid.TryParse(idOrSlug, out var id) ? e => e.Id == id : e => e.Slug == idOrSlug;

    /// <summary>The entities with their row version, for EF; a rebuilt row has none (0), so as-of ETags come from the position.</summary>
    public static SqlFragment SelectSql(StoreView view) => view.Position is null
        ? SqlFragment.Raw("SELECT e.*, e.xmin FROM entities e")
        : SqlFragment.Of($"SELECT e.*, '0'::xid AS xmin FROM {view.Table("entities")} e");

    public static IQueryable<Entity> Rows(CaseDbContext db, StoreView view) =>
        view.Position is null ? db.Entities.AsNoTracking() : db.Entities.Query(SelectSql(view)).AsNoTracking();

    /// <summary>The condition of GET /entities over the alias <c>e</c>: not merged, of the kinds asked, matching q.</summary>
    public static SqlFragment SearchSql(EntityListQuery query)
    {
        var sql = SqlFragment.Raw("e.merged_into IS NULL");
        if (query.Kind is { Length: > 0 } kinds) sql += SqlFragment.Of($" AND e.kind = ANY({kinds})");
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var pattern = "%" + query.Q.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            var keys = EntityNames.LookupKeys(query.Q);
            sql += SqlFragment.Of($"""
                 AND (e.name ILIKE {pattern} OR EXISTS (SELECT FROM unnest(e.aliases) a WHERE a ILIKE {pattern}) OR e.match_keys && {keys})
                """);
        }
        return sql;
    }

    /// <summary>A slug for a new entity without one: its name's, or that followed by the end of its id when taken.</summary>
    public static async Task<string> FreeSlugAsync(CaseDbContext db, Entity entity, CancellationToken ct)
    {
        var slug = EntityNames.SlugFor(entity.Name);
        return await db.Entities.AnyAsync(e => e.Slug == slug, ct) ? $"{slug}-{entity.Id.ToString("N")[^12..]}" : slug;
    }

    /// <summary>Writes a validated request onto the entity (a slug left out is kept) and recomputes its match keys.</summary>
    public static void ApplyTo(this EntityRequest request, Entity entity)
    {
        entity.Name = request.Name!.Trim();
        entity.Kind = request.Kind!;
        if (request.Slug is not null) entity.Slug = request.Slug;
        entity.Aliases = [.. (request.Aliases ?? []).OfType<string>().Select(a => a.Trim()).Distinct(StringComparer.Ordinal)];
        entity.Identifiers = (request.Identifiers ?? new Dictionary<string, string?>()).ToDictionary(p => p.Key, p => p.Value!.Trim());
        entity.Country = request.Country;
        entity.Description = request.Description;
        entity.Sources = [.. (request.Sources ?? []).OfType<string>()];
        entity.SponsorCode = request.Sponsor;
        entity.MatchKeys = EntityNames.MatchKeys(entity.Kind, entity.Name, entity.Aliases);
    }
}
