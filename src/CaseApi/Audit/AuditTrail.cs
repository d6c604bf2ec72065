using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CaseApi.Audit;

/// <summary>Builds audit rows; callers add them to the same DbContext (and so the same transaction) as the change.</summary>
public static class AuditTrail
{
    public const string Anonymous = "anonymous";

    /// <summary>The stable actor id of the signed-in person or key (Infrastructure/Auth/Actors), never a display name.</summary>
    public static string Actor(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? Anonymous;

    public static AuditEvent Event(
        HttpContext http, string action, string entityType, string entityId, JsonNode? changes, DateTimeOffset now) => new()
    {
        OccurredAt = now,
        Actor = Actor(http.User),
        Action = action,
        EntityType = entityType,
        EntityId = entityId,
        RequestId = http.TraceIdentifier,
        Changes = changes is null ? null : JsonSerializer.SerializeToDocument(changes),
    };

    /// <summary>Field-level changes: <c>{"title": {"from": "a", "to": "b"}}</c> for every top-level property that differs.</summary>
    public static JsonObject Diff(JsonObject before, JsonObject after)
    {
        var changes = new JsonObject();
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key)))
        {
            var from = before[name];
            var to = after[name];
            if (!JsonNode.DeepEquals(from, to))
            {
                changes[name] = new JsonObject { ["from"] = from?.DeepClone(), ["to"] = to?.DeepClone() };
            }
        }
        return changes;
    }
}
