using FluentValidation;

namespace CaseApi.Infrastructure.Paging;

/// <summary>The paging parameters every list shares (<c>limit</c>, <c>cursor</c>, <c>count</c>), validated one way.</summary>
public static class PagingRules
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public static IRuleBuilderOptions<T, int?> PageLimit<T>(this IRuleBuilder<T, int?> rule) => rule.InclusiveBetween(1, MaxLimit);

    public static IRuleBuilderOptions<T, int> PageLimit<T>(this IRuleBuilder<T, int> rule) => rule.InclusiveBetween(1, MaxLimit);

    /// <summary><c>count=exact</c> (the default) puts the total in the body; <c>count=none</c> skips counting.</summary>
    public static IRuleBuilderOptions<T, string?> CountMode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null or "exact" or "none").WithMessage("'count' must be exact or none.");

    /// <summary>
    /// The count modes of a large list (<see cref="ListCount"/>): exact, estimate, none, or omitted for the cheapest honest total.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> ListCountMode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null or "exact" or "estimate" or "none").WithMessage("'count' must be exact, estimate or none.");

    /// <summary>A cursor this list issued: <see cref="PageCursor"/> accepts it as a <typeparamref name="TPosition"/>.</summary>
    public static IRuleBuilderOptions<T, string?> PageCursorOf<T, TPosition>(this IRuleBuilder<T, string?> rule) where TPosition : class =>
        rule.Must(c => c is null || PageCursor.TryDecode<TPosition>(c, out _))
            .WithMessage("'cursor' is not a cursor this list returned; pass the nextCursor of the previous page unchanged.");
}
