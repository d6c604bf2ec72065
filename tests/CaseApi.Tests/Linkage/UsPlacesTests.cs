using CaseApi.Linkage;
using CaseApi.ReferenceData;

namespace CaseApi.Tests.Linkage;

public sealed class UsPlacesTests
{
    [Theory]
    [InlineData("Eastern District of Virginia", "VA")]
    [InlineData("E.D. Va.", "VA")]
    [InlineData("ALEXANDRIA, Va.", "VA")]
    [InlineData("S.D.N.Y.", "NY")]
    [InlineData("N.D. Cal.", "CA")]
    [InlineData("Los Angeles, California", "CA")]
    [InlineData("SAN JOSE, Calif.", "CA")]
    [InlineData("D. Mass.", "MA")]
    [InlineData("D.D.C.", "DC")]
    [InlineData("WASHINGTON, D.C.", "DC")]
    [InlineData("District of Columbia", "DC")]
    [InlineData("HOUSTON, Texas", "TX")]
    [InlineData("TX", "TX")]
    public void A_place_text_names_its_state(string text, string code) => Assert.Equal([code], UsPlaces.Find(text));

    [Theory]
    [InlineData("Alexandria")]
    [InlineData("")]
    [InlineData("somewhere in the midwest")]
    public void Text_without_a_state_names_none(string text) => Assert.Empty(UsPlaces.Find(text));

    [Fact]
    public void The_table_holds_every_state_code_the_case_record_accepts()
    {
        Assert.Equal(CodeLists.UsStates.Order(StringComparer.Ordinal), UsPlaces.Codes.Order(StringComparer.Ordinal));
    }
}
