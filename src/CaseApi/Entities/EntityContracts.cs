using System.ComponentModel;
using System.Linq.Expressions;
using CaseApi.Infrastructure.Paging;

namespace CaseApi.Entities;

/// <summary>A person or organisation as clients write it (POST and PUT).</summary>
/// <param name="Name">The name as it is best known, at most 200 characters.</param>
/// <param name="Kind">person, company, university, research-institute, government-body, state-owned-enterprise,
/// intelligence-unit or other.</param>
/// <param name="Slug">Lowercase words joined by hyphens; derived from the name when absent (POST) and kept when absent (PUT).</param>
/// <param name="Aliases">Other spellings sources use ("Edward Peng" for Xuehua Peng); a case naming one finds this entity.</param>
/// <param name="Identifiers">Ids in other registers, by scheme: {"wikidata": "Q42", "company-register": "HRB 123"}.</param>
/// <param name="Country">ISO 3166-1 alpha-2 code of the country the entity belongs to (citizenship, seat).</param>
/// <param name="Description">A short description, at most 4,000 characters.</param>
/// <param name="Sources">URLs of the sources the description rests on (http or https).</param>
/// <param name="Sponsor">The sponsor code (GET /sponsors) the organisation belongs to, e.g. <c>mss</c> for a provincial state
/// security department: where a sponsoring unit sits in the sponsor hierarchy.</param>
public sealed record EntityRequest(
    string? Name,
    string? Kind,
    string? Slug = null,
    IReadOnlyList<string?>? Aliases = null,
    IReadOnlyDictionary<string, string?>? Identifiers = null,
    string? Country = null,
    string? Description = null,
    IReadOnlyList<string?>? Sources = null,
    string? Sponsor = null);

/// <summary>A person or organisation that cases name.</summary>
/// <param name="Id">The entity's id.</param>
/// <param name="Slug">The entity's slug, unique among entities.</param>
/// <param name="Kind">What the entity is (see the request).</param>
/// <param name="Name">The name as it is best known.</param>
/// <param name="Aliases">Other spellings sources use.</param>
/// <param name="Identifiers">Ids in other registers, by scheme.</param>
/// <param name="Country">ISO 3166-1 alpha-2 code.</param>
/// <param name="Description">A short description.</param>
/// <param name="Sources">URLs of the sources the description rests on.</param>
/// <param name="Sponsor">The sponsor code the organisation belongs to.</param>
/// <param name="CreatedAt">When the entity was created.</param>
/// <param name="UpdatedAt">When the entity last changed.</param>
/// <param name="MergedInto">The entity this one was merged into; its id and slug keep answering with that entity.</param>
public sealed record EntityResponse(
    Guid Id, string Slug, string Kind, string Name, IReadOnlyList<string> Aliases, IReadOnlyDictionary<string, string> Identifiers,
    string? Country, string? Description, IReadOnlyList<string> Sources, string? Sponsor, Guid? MergedInto, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    internal static readonly Expression<Func<Entity, EntityResponse>> Projection = e => new EntityResponse(
        e.Id, e.Slug, e.Kind, e.Name, e.Aliases, e.Identifiers, e.Country, e.Description, e.Sources, e.SponsorCode, e.MergedInto, e.CreatedAt,
        e.UpdatedAt);

    internal static EntityResponse From(Entity e) => new(
        e.Id, e.Slug, e.Kind, e.Name, e.Aliases, e.Identifiers, e.Country, e.Description, e.Sources, e.SponsorCode, e.MergedInto, e.CreatedAt,
        e.UpdatedAt);
}

/// <summary>The search and paging of GET /entities (by name, then id).</summary>
/// <param name="Q">Entities whose name or an alias contains this text (any case), or that a case writing it would find.</param>
/// <param name="Kind">Only entities of these kinds.</param>
/// <param name="Limit">Entities per page, 1–1000 (default 50).</param>
/// <param name="Cursor">The nextCursor of the previous page.</param>
/// <param name="AsOf">Answer from the store as it was at this history position or RFC 3339 time.</param>
/// <param name="Release">Answer from the store as it was when this named release was taken.</param>
public sealed record EntityListQuery(
    string? Q, string[]? Kind, [property: DefaultValue(PagingRules.DefaultLimit)] int? Limit, string? Cursor, string? AsOf = null,
    string? Release = null)
{
    public int PageSize => Limit ?? PagingRules.DefaultLimit;
}

/// <summary>Where a page of entities ends: the last entity's name and id.</summary>
internal sealed record EntityCursor(string Name, Guid Id);

/// <summary>A case that names the entity, and in which roles.</summary>
public sealed record EntityCaseResponse(Guid Id, string Slug, string Title, string? ChargedOn, IReadOnlyList<string> Roles);

/// <summary>An entity named in the same cases as another, and in how many of them.</summary>
public sealed record RelatedEntityResponse(Guid Id, string Slug, string Name, string Kind, int Cases);

/// <summary>The entities that share cases with one entity, most shared cases first.</summary>
public sealed record RelatedEntitiesResponse(Guid Id, IReadOnlyList<RelatedEntityResponse> Items);

/// <summary>Paging and read point of an entity's cases and related entities.</summary>
/// <param name="Limit">Items per page (cases) or in the list (related), 1–1000 (default 50).</param>
/// <param name="Cursor">The nextCursor of the previous page of cases.</param>
/// <param name="AsOf">Answer from the store as it was at this history position or RFC 3339 time.</param>
/// <param name="Release">Answer from the store as it was when this named release was taken.</param>
public sealed record EntityCasesQuery(
    [property: DefaultValue(PagingRules.DefaultLimit)] int? Limit, string? Cursor, string? AsOf = null, string? Release = null)
{
    public int PageSize => Limit ?? PagingRules.DefaultLimit;
}

/// <summary>Where a page of an entity's cases ends: the last case's slug.</summary>
internal sealed record EntityCaseCursor(string Slug);

/// <summary>Which entity to merge this one into.</summary>
/// <param name="Into">The surviving entity's id (a UUID) or slug.</param>
public sealed record EntityMergeRequest(string? Into);

/// <summary>A merge done: the merged entity's id, the survivor as it is now, and what became of the merged entity's case links.</summary>
/// <param name="Merged">The id of the entity merged; it now redirects to the survivor.</param>
/// <param name="Into">The surviving entity, with the merged one's name and aliases among its aliases.</param>
/// <param name="MovedLinks">Case links moved to the survivor.</param>
/// <param name="DroppedLinks">Case links dropped because the survivor already had them (same case, same role).</param>
public sealed record EntityMergeResponse(Guid Merged, EntityResponse Into, int MovedLinks, int DroppedLinks);

/// <summary>Why an entity's personal data is redacted.</summary>
/// <param name="Reason">Why (e.g. "acquitted", "request of 2026-12-01"), 1 to 1,000 characters; kept in the audit trail and the
/// hash chain, with any spelling of the redacted name replaced.</param>
public sealed record EntityRedactRequest(string? Reason);

/// <summary>A redaction done: its id (as /audit/verify lists it), the entity as it is now, and what was rewritten.</summary>
/// <param name="Redaction">The redaction's id.</param>
/// <param name="Entity">The redacted entity: the placeholder name and slug, no aliases, identifiers, description or sources.</param>
/// <param name="Cases">Cases whose names, title or summary were redacted.</param>
/// <param name="HistoryEntries">History entries rewritten (they are verified by their stored hash from now on).</param>
/// <param name="AuditEvents">Audit rows whose changes were rewritten.</param>
public sealed record EntityRedactionResponse(long Redaction, EntityResponse Entity, int Cases, int HistoryEntries, int AuditEvents);
