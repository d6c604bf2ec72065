namespace CaseApi.Infrastructure.Paging;

/// <summary>
/// Every list: the page, the total matching (null when count=none) and the cursor of the next page. <c>totalIsExact</c> is
/// true when total is the exact count; when it is false, total is the planner's estimate (<c>totalIsEstimate</c>) or else
/// a lower bound (at least that many match).
/// </summary>
public sealed record PagedResponse<T>(IReadOnlyList<T> Items, long? Total, string? NextCursor)
{
    public bool TotalIsExact { get; init; } = Total is not null;

    public bool TotalIsEstimate { get; init; }
}
