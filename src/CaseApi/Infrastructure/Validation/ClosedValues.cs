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

    /// <summary>
    /// A list parameter (comma-separated, or repeated where it binds to an array) whose every value is one of
    /// <paramref name="values"/>: each unknown value is a failure of its own, in <paramref name="unknown"/>'s words. The
    /// contract publishes it as an array of the enum named <paramref name="name"/> (generated clients name their type so),
    /// sent comma-separated (<see cref="IClosedValueList"/>).
    /// </summary>
    public static IRuleBuilderOptions<T, TList> EachOneOf<T, TList>(this IRuleBuilder<T, TList> rule, string name, IEnumerable<string> values,
        Func<TList, IEnumerable<string>?> split, Func<string, string> unknown) =>
        rule.SetValidator(new EachOneOfValidator<T, TList>(name, [.. values], split, unknown));

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

    private sealed class EachOneOfValidator<T, TList>(string name, IReadOnlyList<string> values, Func<TList, IEnumerable<string>?> split,
        Func<string, string> unknown) : PropertyValidator<T, TList>, IClosedValueList
    {
        public override string Name => "EachOneOfValidator";

        public string SchemaName => name;

        public IReadOnlyList<string> Values => values;

        // Each unknown value is named in a failure of its own, so the validator itself never fails the whole list.
        public override bool IsValid(ValidationContext<T> context, TList value)
        {
            foreach (var name in split(value)?.Where(v => !values.Contains(v, StringComparer.Ordinal)) ?? []) context.AddFailure(unknown(name));
            return true;
        }
    }
}

/// <summary>A validator that admits only the listed values (and null).</summary>
public interface IClosedValues
{
    IReadOnlyList<string> Values { get; }
}

/// <summary>A list parameter whose every value is one of <see cref="IClosedValues.Values"/>, an enum the contract names.</summary>
public interface IClosedValueList : IClosedValues
{
    string SchemaName { get; }
}
