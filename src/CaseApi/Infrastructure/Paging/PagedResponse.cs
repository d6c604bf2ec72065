namespace CaseApi.Infrastructure.Paging;

/// <summary>Every list: the page, the total matching (null when count=none) and the cursor of the next page.</summary>
public sealed record PagedResponse<T>(IReadOnlyList<T> Items, long? Total, string? NextCursor);
