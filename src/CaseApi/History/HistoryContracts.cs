using System.ComponentModel;
using CaseApi.Cases;
using CaseApi.ReferenceData;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.History;

/// <summary>
/// One change in commit order, with the entity as the API shows it after the change, under the member named for its
/// <c>entity</c> (all others are null). <c>case</c> is exactly what GET /cases/{id}?asOf={position} answers, policy alignment
/// included, and <c>eTag</c> is the case's row version as that change left it (send it in If-Match while no later item names the
/// case). A delete is a tombstone: its id and slug and no entity. <c>realign</c> is a case whose derived alignment changed
/// because the policy mapping changed at that position. <c>actor</c> is who made the change, as the audit names actors
/// (<c>{issuer}#{subject}</c> for a person, <c>key:{id}</c> for a service; null for the service's own work). <c>entity</c> is
/// case, sector, sponsor, source-list, policy-document, policy-document-sector, entity (shown as <c>namedEntity</c>), case-entity,
/// release or redaction; <c>action</c> is create, update, delete, or (for a case) realign.
/// </summary>
public sealed record ChangeResponse(
    long Position,
    string Entity,
    string Action,
    string Id,
    string? Slug,
    string? ETag,
    CaseResponse? Case,
    SectorResponse? Sector,
    SponsorResponse? Sponsor,
    SourceListResponse? SourceList,
    PolicyDocumentRecord? PolicyDocument,
    PolicyMappingRecord? PolicyDocumentSector,
    NamedEntityRecord? NamedEntity,
    CaseEntityRecord? CaseEntity,
    ReleaseRecord? Release,
    RedactionRecord? Redaction,
    string? Actor);

/// <summary>A policy document as the feed shows it; its sectors are the policy-document-sector items.</summary>
public sealed record PolicyDocumentRecord(string Code, string Name, string? Description, int? Year);

/// <summary>One row of the policy mapping: the policy document names the sector.</summary>
public sealed record PolicyMappingRecord(string PolicyCode, string SectorCode);

/// <summary>A person or organisation as the feed shows it (the entity item's <c>namedEntity</c>).</summary>
public sealed record NamedEntityRecord(
    Guid Id, string Slug, string Kind, string Name, IReadOnlyList<string>? Aliases, IReadOnlyDictionary<string, string>? Identifiers,
    string? Country, string? Description, IReadOnlyList<string>? Sources, Guid? MergedInto);

/// <summary>A case's link to a named entity, in one role.</summary>
public sealed record CaseEntityRecord(Guid CaseId, string Role, Guid EntityId);

/// <summary>A named release as the feed shows it.</summary>
public sealed record ReleaseRecord(string Name, string? Description, long Position, DateTimeOffset CreatedAt, string? CreatedBy);

/// <summary>
/// A redaction of a person's data (docs/operations/security.md#redaction-of-personal-data): which entity, why, by whom and when.
/// The entries it rewrote now show the redacted form.
/// </summary>
public sealed record RedactionRecord(long Id, Guid EntityId, string Reason, string Actor, DateTimeOffset RedactedAt);

/// <summary>A page of the change feed; pass <c>nextCursor</c> as <c>after</c> to continue (it is never null, so a poller always has one).</summary>
public sealed record ChangeFeedResponse(IReadOnlyList<ChangeResponse> Items, string NextCursor);

/// <summary>Where the feed resumes, what it shows, how many changes a page holds and how long to wait for one.</summary>
/// <param name="After">A nextCursor, or a feed position (the Feed-Position header of a list or export: the changes after it), or
/// nothing for the beginning of history.</param>
/// <param name="Limit">Changes per page, 1–1000 (default 100).</param>
/// <param name="EntityType">Only these entities (comma-separated, e.g. <c>case</c> or <c>sector,sponsor</c>); all when omitted.</param>
/// <param name="Wait">Seconds to wait for a change when there is none after <c>after</c> (a long poll), 0–30 (default 0).</param>
public sealed record ChangeFeedQuery(
    [property: FromQuery(Name = "after")] string? After = null,
    [property: FromQuery(Name = "limit"), DefaultValue(100)] int Limit = 100,
    [property: FromQuery(Name = "entityType")] string? EntityType = null,
    [property: FromQuery(Name = "wait"), DefaultValue(0)] int Wait = 0);

/// <summary>
/// The feed's cursor: the position of the commit and the entry within it of the last change returned, and, inside the
/// realign items that follow a commit that changed the policy mapping, the last case returned (Guid.Empty before the first).
/// </summary>
internal sealed record ChangePosition(long Position, long Entry, Guid? Realigned = null);
