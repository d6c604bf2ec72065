using FluentValidation;
using FluentValidation.Validators;

namespace CaseApi.Infrastructure.Validation;

/// <summary>
/// A closed list of values, declared once in the validator: it checks the value, and the contract publishes the same
/// list as the parameter's <c>enum</c> (ContractOperationTransformer reads <see cref="IClosedValues"/> from the
/// validator's descriptor), so typed clients get an enum and never a free string. Matching may ignore case; the
/// contract lists each value as the service writes it.
/// </summary>
public static class ClosedValues
{
    public static IRuleBuilderOptions<T, string?> OneOf<T>(this IRuleBuilder<T, string?> rule, IEnumerable<string> values,
        StringComparer? comparer = null) =>
        rule.SetValidator(new OneOfValidator<T>([.. values], comparer ?? StringComparer.Ordinal));

    /// <summary>The values of a sort parameter: each key ascending, then descending with '-' in front.</summary>
    public static IEnumerable<string> Sorts(IEnumerable<string> keys) => keys.SelectMany(k => new[] { k, $"-{k}" });

    private sealed class OneOfValidator<T>(IReadOnlyList<string> values, StringComparer comparer) : PropertyValidator<T, string?>, IClosedValues
    {
        public override string Name => "OneOfValidator";

        public IReadOnlyList<string> Values => values;

        public override bool IsValid(ValidationContext<T> context, string? value) => value is null || values.Contains(value, comparer);

        protected override string GetDefaultMessageTemplate(string errorCode) =>
            $"'{{PropertyValue}}' is not one of {string.Join(", ", values)}.";
    }
}

/// <summary>A validator that admits only the listed values (and null).</summary>
public interface IClosedValues
{
    IReadOnlyList<string> Values { get; }
}
