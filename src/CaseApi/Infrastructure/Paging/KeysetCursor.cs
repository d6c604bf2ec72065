namespace CaseApi.Infrastructure.Paging;

/// <summary>
/// The position of a case-list page: the sort it belongs to, the last row's sort value (null when that row had none)
/// and its id. Encoded by <see cref="PageCursor"/>.
/// </summary>
public sealed record KeysetCursor(string Sort, string? Value, Guid Id);
