using System.Globalization;

namespace CaseApi.Cases;

/// <summary>
/// A set of a case's writable fields, one bit per field of <see cref="CaseColumns"/>: the fields an import row names.
/// It holds <see cref="Capacity"/> fields and refuses more, loudly, where the fields are numbered (a mask that silently
/// wrapped would make every field look unnamed). PostgreSQL stores it as a bigint, the sign bit being field 63.
/// </summary>
internal readonly record struct CaseFieldMask(ulong Bits)
{
    public const int Capacity = 64;

    public static CaseFieldMask None => default;

    /// <summary>The mask of the field numbered <paramref name="index"/>.</summary>
    public static CaseFieldMask Of(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return index < Capacity ? new(1UL << index) : throw new InvalidOperationException(TooMany(index + 1));
    }

    /// <summary>The mask of the first <paramref name="count"/> fields: every field of a declaration of that many.</summary>
    public static CaseFieldMask All(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > Capacity) throw new InvalidOperationException(TooMany(count));
        // 1UL << 64 is 1UL in C# (the shift count is taken mod 64), so the full mask is spelled out.
        return count == Capacity ? new(ulong.MaxValue) : new((1UL << count) - 1);
    }

    /// <summary>The mask as PostgreSQL's signed bigint holds it (the same 64 bits).</summary>
    public long Stored => unchecked((long)Bits);

    public bool Includes(CaseFieldMask other) => (Bits & other.Bits) == other.Bits;

    /// <summary>One field's bit in SQL, as in <c>present &amp; bit = 0</c>: a shift, as the sign bit (field 63) has no bigint literal.</summary>
    public static string BitSql(int index)
    {
        _ = Of(index); // the same limit
        return string.Create(CultureInfo.InvariantCulture, $"(1::bigint << {index})");
    }

    public static CaseFieldMask operator |(CaseFieldMask a, CaseFieldMask b) => new(a.Bits | b.Bits);

    private static string TooMany(int count) =>
        $"A case would have {count} writable fields, but the field mask of an import row holds {Capacity}: widen CaseFieldMask (and "
        + "the bigint 'present' column of the import's staging table) before adding more.";
}
