using System.Text.Json.Nodes;
using CaseApi.ApiKeys;

namespace CaseApi.Store;

/// <summary>
/// The one way a key is added. The serving role may not insert into api_keys; create_api_key (migration SecurityStore, owned
/// by the owner role) inserts the key and its key-created audit row in one statement, so no key exists that the audit trail
/// does not name.
/// </summary>
public static class ApiKeyCreation
{
    public static Task CreateAsync(CaseDbContext db, ApiKey key, string actor, string? requestId, JsonNode changes, CancellationToken ct) =>
        db.Database.ExecuteAsync(SqlFragment.Of($"""
            SELECT create_api_key({key.Id}, {key.Name}, {key.Role}, {key.SecretHash}, {key.Prefix}, {key.CreatedAt.ToUniversalTime()},
                {key.CreatedBy}::text, {key.ExpiresAt?.ToUniversalTime()}::timestamptz, {key.Owner}::text,
                {actor}, {requestId}::text, {changes.ToJsonString()}::jsonb)
            """), ct);
}
