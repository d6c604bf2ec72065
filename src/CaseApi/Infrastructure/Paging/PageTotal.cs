namespace CaseApi.Infrastructure.Paging;

/// <summary>A list's total and what kind of number it is: exact, a lower bound (capped count) or the planner's estimate.</summary>
public sealed record PageTotal(long? Value, bool IsExact, bool IsEstimate)
{
    public static PageTotal None { get; } = new(null, false, false);

    public static PageTotal Exact(long count) => new(count, true, false);

    public static PageTotal AtLeast(long count) => new(count, false, false);

    public static PageTotal Estimate(long count) => new(count, false, true);
}
