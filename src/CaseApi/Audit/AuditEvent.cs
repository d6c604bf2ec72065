using System.Text.Json;

namespace CaseApi.Audit;

/// <summary>
/// One row of the append-only audit trail. Written in the same transaction as the change it describes;
/// a database trigger refuses UPDATE and DELETE on the table.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public string? RequestId { get; set; }
    public Guid? ImportId { get; set; }

    /// <summary>Per changed field <c>{from, to}</c>; the full record on create and delete.</summary>
    public JsonDocument? Changes { get; set; }
}
