using CaseApi.Linkage;

namespace CaseApi.Tests.Linkage;

public sealed class NameNormaliserTests
{
    private static string[] Keys(string cell, NameOrder order = NameOrder.Auto) => [.. NameNormaliser.ParsePeople(cell, order).Select(n => n.Key)];

    [Theory]
    [InlineData("Kevin Mallory, Xuehua Peng", new[] { "kevin mallory", "xuehua peng" })]
    [InlineData("MALLORY, Kevin; PENG, Xuehua", new[] { "kevin mallory", "xuehua peng" })]
    [InlineData("KEVIN MALLORY AND EDWARD PENG", new[] { "kevin mallory", "edward peng" })]
    [InlineData("Zhang Wei & Li Na", new[] { "zhang wei", "li na" })]
    [InlineData("John Smith, Mary Jones, and Wei Li", new[] { "john smith", "mary jones", "wei li" })]
    [InlineData("Mallory, Kevin", new[] { "kevin mallory" })]
    [InlineData("Smith, John Paul", new[] { "john paul smith" })]
    [InlineData("Van Damme, Jean", new[] { "jean van damme" })]
    [InlineData("de la Cruz, Maria Elena", new[] { "maria elena de la cruz" })]
    [InlineData("Smith, John, Jones, Mary", new[] { "john smith", "mary jones" })]
    [InlineData("John Smith, Jr., Mary Jones", new[] { "john smith", "mary jones" })]
    [InlineData("Dr. José Núñez-García", new[] { "jose nunez garcia" })]
    [InlineData("Zoë Ødegaard and Jürgen Weiß", new[] { "zoe odegaard", "jurgen weiss" })]
    [InlineData("O'Brien, Seán", new[] { "sean obrien" })]
    [InlineData("J.A. Smith", new[] { "j a smith" })]
    [InlineData("", new string[0])]
    public void A_cell_reads_as_its_names_in_given_then_family_order(string cell, string[] expected) => Assert.Equal(expected, Keys(cell));

    [Fact]
    public void Two_comma_parts_one_of_them_a_single_word_are_one_inverted_name_unless_the_list_says_otherwise()
    {
        // The documented cost of the automatic rule: "John Smith, Madonna" reads as Madonna John Smith.
        Assert.Equal(["madonna john smith"], Keys("John Smith, Madonna"));
        Assert.Equal(["john smith", "madonna"], Keys("John Smith, Madonna", NameOrder.GivenFirst));
        Assert.Equal(["john smith", "mary jones"], Keys("Smith, John, Jones, Mary", NameOrder.FamilyFirst));
    }

    [Fact]
    public void Particles_stay_with_the_family_name_in_reading_order()
    {
        var name = NameNormaliser.ParsePeople("Maria de la Cruz").Single();

        Assert.Equal(["maria"], name.Given);
        Assert.Equal(["de", "la", "cruz"], name.Family);
    }

    [Fact]
    public void Honorifics_are_dropped_and_suffixes_kept_apart()
    {
        var name = NameNormaliser.ParsePeople("Dr. David Yeo Jr.").Single();

        Assert.Equal("david yeo", name.Key);
        Assert.Equal(["jr"], name.Suffixes);
    }

    [Fact]
    public void A_quoted_or_parenthesised_nickname_is_an_alternative_given_name()
    {
        var quoted = NameNormaliser.ParsePerson("Xuehua \"Edward\" Peng")!;
        var aka = NameNormaliser.ParsePerson("Zheng Xiaoqing (a.k.a. Steven)")!;

        Assert.Equal("xuehua peng", quoted.Key);
        Assert.Equal([["xuehua", "peng"], ["edward", "peng"]], quoted.Forms().Select(f => f.ToArray()));
        Assert.Equal(["Steven"], aka.Nicknames);
    }

    [Fact]
    public void The_keys_compare_in_any_order_and_with_initials()
    {
        var name = NameNormaliser.ParsePerson("Smith, John Andrew")!;

        Assert.Equal("john andrew smith", name.Key);
        Assert.Equal("andrew john smith", name.SortedKey);
        Assert.Equal("ja smith", name.InitialsKey);
    }

    [Theory]
    [InlineData("Smith, John", "john smith")]
    [InlineData("John Smith, Jr.", "john smith")]
    [InlineData("Kevin Patrick Mallory", "kevin patrick mallory")]
    [InlineData("Jean-Pierre Dubois", "jean pierre dubois")]
    public void A_stored_defendant_is_one_name(string stored, string key) => Assert.Equal(key, NameNormaliser.ParsePerson(stored)!.Key);

    [Fact]
    public void Organisations_split_only_on_semicolons_and_lose_their_legal_forms()
    {
        var names = NameNormaliser.ParseOrganisations("Huawei Technologies Co., Ltd.; The Boeing Company; Procter & Gamble");
        var comac = NameNormaliser.ParseOrganisation("Commercial Aircraft Corporation of China (COMAC)")!;

        Assert.Equal(["huawei technologies", "boeing", "procter gamble"], names.Select(n => n.Key));
        Assert.Equal([["comac"]], comac.Forms().Skip(1).Select(f => f.ToArray()));
    }
}
