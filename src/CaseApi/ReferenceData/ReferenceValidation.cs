using System.Text.RegularExpressions;
using FluentValidation;

namespace CaseApi.ReferenceData;

public static partial class ReferenceValidation
{
    public const int MaxCodeLength = 60;

    public static bool IsCode(string code) => code.Length <= MaxCodeLength && KebabCase().IsMatch(code);

    public static IRuleBuilderOptions<T, string?> ReferenceName<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.NotEmpty().ReferenceText(maxLength);

    // PostgreSQL text cannot hold NUL, so it is a validation error here rather than a database error later.
    public static IRuleBuilderOptions<T, string?> ReferenceText<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength).Must(t => t is null || !t.Contains('\0', StringComparison.Ordinal))
            .WithMessage("'{PropertyName}' must not contain NUL characters.");

    /// <summary>Codes, slugs and tags: lowercase letters and digits in hyphen-separated words.</summary>
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    public static partial Regex KebabCase();
}
