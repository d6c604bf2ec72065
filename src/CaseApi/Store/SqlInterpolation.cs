using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace CaseApi.Store;

/// <summary>Builds a <see cref="SqlFragment"/> from an interpolated string: literal text stays text, holes become parameters.</summary>
[InterpolatedStringHandler]
public readonly struct SqlInterpolation
{
    private readonly ImmutableArray<object>.Builder parts;

    public SqlInterpolation(int literalLength, int formattedCount)
    {
        _ = literalLength;
        parts = ImmutableArray.CreateBuilder<object>((2 * formattedCount) + 1);
    }

    public void AppendLiteral(string text) => parts.Add(text);

    public void AppendFormatted(SqlFragment fragment) => SqlFragment.AppendTo(parts, fragment);

    public void AppendFormatted<T>(T value) => parts.Add(new SqlFragment.Value(value));

    internal ImmutableArray<object> ToParts() => parts.ToImmutable();
}
