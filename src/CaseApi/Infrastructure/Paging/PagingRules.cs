using CaseApi.Infrastructure.Validation;
using FluentValidation;

namespace CaseApi.Infrastructure.Paging;

/// <summary>The paging parameters every list shares (<c>limit</c>, <c>cursor</c>, <c>count</c>), validated one way.</summary>
public static class PagingRules
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public static IRuleBuilderOptions<T, int?> PageLimit<T>(this IRuleBuilder<T, int?> rule) => rule.InclusiveBetween(1, MaxLimit);

    public static IRuleBuilderOptions<T, int> PageLimit<T>(this IRuleBuilder<T, int> rule) => rule.InclusiveBetween(1, MaxLimit);

    /// <summary>
    /// The <c>count</c> modes a list offers, or omitted for its default: imports and audit count <c>exact</c> or
    /// <c>none</c>; the case list adds <c>estimate</c> (<see cref="Store.ListCount"/>).
    /// </summary>
    public static IRuleBuilderOptions<T, string?> CountMode<T>(this IRuleBuilder<T, string?> rule, params string[] modes)
    {
        string[] offered = modes is [] ? ["exact", "none"] : modes;
        return rule.OneOf(offered)
            .WithMessage($"'count' must be {string.Join(", ", offered[..^1])} or {offered[^1]}.");
    }

    /// <summary>A cursor this list issued: <see cref="PageCursor"/> accepts it as a <typeparamref name="TPosition"/>.</summary>
    public static IRuleBuilderOptions<T, string?> PageCursorOf<T, TPosition>(this IRuleBuilder<T, string?> rule) where TPosition : class =>
        rule.Must(c => c is null || PageCursor.TryDecode<TPosition>(c, out _))
            .WithMessage("'cursor' is not a cursor this list returned; pass the nextCursor of the previous page unchanged.");
}
