using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.History;

/// <summary>
/// One change in commit order. <c>case</c> is the case as it was after the change (null for a delete: a tombstone with
/// its id and slug); <c>record</c> is the stored row of a reference-data or policy-mapping change; <c>actor</c> is who made
/// it, as the audit names actors (<c>{issuer}#{subject}</c> for a person, <c>key:{id}</c> for a service; null for the
/// service's own work that wrote no audit row).
/// </summary>
public sealed record ChangeResponse(
    long Position, string Entity, string Action, string Id, string? Slug, JsonElement? Case, JsonElement? Record, string? Actor);

/// <summary>A page of the change feed; pass <c>nextCursor</c> as <c>after</c> to continue (it is never null, so a poller always has one).</summary>
public sealed record ChangeFeedResponse(IReadOnlyList<ChangeResponse> Items, string NextCursor);

/// <summary>Where the feed resumes (a nextCursor, or nothing for the beginning of history) and how many changes a page holds.</summary>
public sealed record ChangeFeedQuery(
    [property: FromQuery(Name = "after")] string? After = null,
    [property: FromQuery(Name = "limit")] int Limit = 100);

/// <summary>The feed's cursor: the position of the commit and the entry within it of the last change returned.</summary>
internal sealed record ChangePosition(long Position, long Entry);
