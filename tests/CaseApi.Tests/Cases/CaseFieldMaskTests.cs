using CaseApi.Cases;

namespace CaseApi.Tests.Cases;

/// <summary>The mask of the fields an import row names holds 64 fields and refuses a 65th rather than wrapping.</summary>
public sealed class CaseFieldMaskTests
{
    [Fact]
    public void A_declaration_of_64_fields_fits_the_mask_with_a_bit_of_its_own_for_each()
    {
        var bits = Enumerable.Range(0, 64).Select(CaseFieldMask.Of).ToList();

        var all = CaseFieldMask.All(64);

        Assert.Equal(64, bits.Distinct().Count());
        Assert.Equal(all, bits.Aggregate(CaseFieldMask.None, (mask, bit) => mask | bit));
        Assert.All(bits, bit => Assert.True(all.Includes(bit)));
        Assert.Equal(-1L, all.Stored);
    }

    [Fact]
    public void A_65th_field_is_refused_with_a_message_naming_the_limit()
    {
        var all = Assert.Throws<InvalidOperationException>(() => CaseFieldMask.All(65));
        var bit = Assert.Throws<InvalidOperationException>(() => CaseFieldMask.Of(64));

        Assert.Equal(
            "A case would have 65 writable fields, but the field mask of an import row holds 64: widen CaseFieldMask (and the bigint "
            + "'present' column of the import's staging table) before adding more.", all.Message);
        Assert.Equal(all.Message, bit.Message);
    }

    [Fact]
    public void Every_field_count_up_to_the_limit_has_exactly_that_many_fields_in_its_mask()
    {
        // A 32-bit mask built as (1 << n) - 1 was 0 at 32 fields: every field looked unnamed, and nothing failed.
        var counts = Enumerable.Range(0, 65).Select(n => System.Numerics.BitOperations.PopCount(CaseFieldMask.All(n).Bits));

        Assert.Equal(Enumerable.Range(0, 65), counts);
    }

    [Fact]
    public void The_case_map_has_one_distinct_bit_per_field_and_every_field_in_all_fields()
    {
        var bits = CaseColumns.Fields.Select(f => f.Bit).ToList();

        Assert.Equal(CaseColumns.Fields.Count, bits.Distinct().Count());
        Assert.Equal(CaseColumns.AllFields, bits.Aggregate(CaseFieldMask.None, (mask, bit) => mask | bit));
    }
}
