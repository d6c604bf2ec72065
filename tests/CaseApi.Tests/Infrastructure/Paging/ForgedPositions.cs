namespace CaseApi.Tests.Infrastructure.Paging.Forged;

/// <summary>Shares its name (and so its MAC) with the tests' real position, but carries the time as free text.</summary>
internal sealed record ListPosition(string At, Guid Id);

internal sealed record AuditLikePosition(long Id);
