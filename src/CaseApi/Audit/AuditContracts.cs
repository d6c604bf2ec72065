using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Audit;

/// <summary>One audit event: who did what to which entity, in which request, with the field-level changes.</summary>
/// <param name="Id">The event's position in the trail.</param>
/// <param name="OccurredAt">When the change was written.</param>
/// <param name="Actor">
/// Who acted, as a stable id: <c>{issuer}#{subject}</c> for a person signed in with a token, <c>key:{id}</c> for an API key
/// (older rows name the key by its name); the <c>actor</c> filter takes this id.
/// </param>
/// <param name="ActorName">The actor's current name (a person as the identity provider last named them, a key's name); null when unknown.</param>
/// <param name="Action">What was done, e.g. create, update, delete, key-created.</param>
/// <param name="EntityType">The kind of entity changed.</param>
/// <param name="EntityId">The entity's id.</param>
/// <param name="RequestId">The request that made the change.</param>
/// <param name="ImportId">The import that made the change, if one did.</param>
/// <param name="Changes">Per changed field <c>{from, to}</c>; the full record on create and delete.</param>
public sealed record AuditEventResponse(
    long Id, DateTimeOffset OccurredAt, string Actor, string? ActorName, string Action, string EntityType, string EntityId,
    string? RequestId, Guid? ImportId, JsonElement? Changes);

/// <summary>The filters and paging of GET /audit (every filter optional, all combined with AND).</summary>
public sealed record AuditQuery(
    [property: FromQuery(Name = "entityType")] string? EntityType = null,
    [property: FromQuery(Name = "entityId")] string? EntityId = null,
    [property: FromQuery(Name = "actor")] string? Actor = null,
    [property: FromQuery(Name = "action")] string? Action = null,
    [property: FromQuery(Name = "importId")] Guid? ImportId = null,
    [property: FromQuery(Name = "from")] DateTimeOffset? From = null,
    [property: FromQuery(Name = "to")] DateTimeOffset? To = null,
    [property: FromQuery(Name = "cursor")] string? Cursor = null,
    [property: FromQuery(Name = "limit")] int Limit = 50,
    [property: FromQuery(Name = "count")] string Count = "exact");

/// <summary>A point of the history chain to keep outside the database: its position and the hash of its commit.</summary>
public sealed record ChainCheckpoint(long Position, string Hash, DateTimeOffset? CommittedAt)
{
    /// <summary>The checkpoint as one token, for GET /audit/verify?checkpoint=….</summary>
    public string Checkpoint => $"{Position}:{Hash}";
}

/// <summary>
/// The first place the history chain does not hold: the commit position, the entry id when one entry is to blame, and why
/// (entry: its content or the audit row it covers changed or vanished; link: an entry was added or removed, or the commit's
/// hash was changed; unsealed: an entry belongs to no commit; unlogged: an audit row has no entry; unaudited: a commit of
/// the serving role changed the entity and id named without the audit row that must accompany it; checkpoint: the
/// commit at the checkpoint's position is missing or has another hash, so the chain was recomputed).
/// </summary>
public sealed record ChainMismatch(long? Position, long? Id, string? Entity, string? Key, string Reason);

/// <summary>
/// A redaction of personal data in the chain: the entries it rewrote are checked by their stored hash, not their content.
/// </summary>
/// <param name="Id">The redaction's id.</param>
/// <param name="EntityId">The entity redacted.</param>
/// <param name="Reason">Why, as the admin gave it (with the redacted spellings replaced).</param>
/// <param name="Actor">Who redacted, as the audit names actors.</param>
/// <param name="RedactedAt">When.</param>
/// <param name="Position">The history position of the redaction's commit.</param>
/// <param name="Entries">How many history entries it rewrote.</param>
public sealed record ChainRedaction(long Id, Guid EntityId, string Reason, string Actor, DateTimeOffset RedactedAt, long? Position, int Entries);

/// <summary>
/// The result of recomputing the chain: how many entries were checked, the first mismatch when it is not valid, and the
/// redactions whose rewritten entries were checked by their stored hash.
/// </summary>
public sealed record ChainVerification(
    bool Valid, long Checked, ChainCheckpoint? Head, ChainMismatch? FirstMismatch, IReadOnlyList<ChainRedaction> Redactions);

/// <summary>An optional checkpoint, as published by GET /audit/checkpoint, that the chain must still pass through.</summary>
public sealed record ChainVerifyQuery([property: FromQuery(Name = "checkpoint")] string? Checkpoint = null);
