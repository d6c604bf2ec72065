using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Audit;

/// <summary>One audit event: who did what to which entity, in which request, with the field-level changes.</summary>
public sealed record AuditEventResponse(
    long Id, DateTimeOffset OccurredAt, string Actor, string Action, string EntityType, string EntityId,
    string? RequestId, Guid? ImportId, JsonElement? Changes);

/// <summary>The filters and paging of GET /audit (every filter optional, all combined with AND).</summary>
public sealed record AuditQuery(
    [property: FromQuery(Name = "entityType")] string? EntityType = null,
    [property: FromQuery(Name = "entityId")] string? EntityId = null,
    [property: FromQuery(Name = "actor")] string? Actor = null,
    [property: FromQuery(Name = "action")] string? Action = null,
    [property: FromQuery(Name = "from")] DateTimeOffset? From = null,
    [property: FromQuery(Name = "to")] DateTimeOffset? To = null,
    [property: FromQuery(Name = "cursor")] string? Cursor = null,
    [property: FromQuery(Name = "limit")] int Limit = 50,
    [property: FromQuery(Name = "count")] string Count = "exact");
