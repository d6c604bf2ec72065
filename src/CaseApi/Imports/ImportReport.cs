using System.Text.Json;

namespace CaseApi.Imports;

/// <summary>The record of one bulk import, whether committed, a dry run or rejected.</summary>
public sealed class ImportReport
{
    public Guid Id { get; set; }
    public required string Actor { get; set; }
    public required string Format { get; set; }
    public required string Mode { get; set; }
    public bool DryRun { get; set; }
    public bool Atomic { get; set; }
    public required string Status { get; set; }
    public int Received { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Rejected { get; set; }

    /// <summary>The first 1000 row errors; the counts above are always complete.</summary>
    public JsonDocument? Errors { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public long DurationMs { get; set; }

    /// <summary>Client-chosen Idempotency-Key; a retry with the same key and body returns this report.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>SHA-256 of the request body, to tell a true retry from a different body under the same key.</summary>
    public byte[]? BodyHash { get; set; }
}
