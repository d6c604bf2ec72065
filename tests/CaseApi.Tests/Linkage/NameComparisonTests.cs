using CaseApi.Linkage;

namespace CaseApi.Tests.Linkage;

public sealed class NameComparisonTests
{
    private static NameAgreement Compare(string a, string b) =>
        NameComparison.Compare(NameNormaliser.ParsePerson(a)!, NameNormaliser.ParsePerson(b)!, new LinkageOptions().FuzzyNameThreshold);

    [Theory]
    [InlineData("Kevin Mallory", "KEVIN MALLORY", NameAgreement.Exact)]
    [InlineData("Mallory, Kevin", "Kevin Mallory", NameAgreement.Exact)]
    [InlineData("José Núñez", "Jose Nunez", NameAgreement.Exact)]
    [InlineData("Edward Peng", "Xuehua \"Edward\" Peng", NameAgreement.Exact)]
    [InlineData("Xu Yanjun", "Yanjun Xu", NameAgreement.TokenSet)]
    [InlineData("Yan-Jun Xu", "Yanjun Xu", NameAgreement.TokenSet)]
    [InlineData("J. A. Smith", "John Andrew Smith", NameAgreement.TokenSet)]
    [InlineData("John Smith", "John Andrew Smith", NameAgreement.TokenSet)]
    [InlineData("Kevin Malory", "Kevin Mallory", NameAgreement.Fuzzy)]
    [InlineData("Kevni Mallory", "Kevin Mallory", NameAgreement.Fuzzy)]
    [InlineData("Wang Li", "Wang Lei", NameAgreement.None)]
    [InlineData("Wei Wang", "Wei Zhang", NameAgreement.None)]
    [InlineData("Mallory", "Kevin Mallory", NameAgreement.None)]
    [InlineData("J. Smith", "Mary Smith", NameAgreement.None)]
    public void Names_agree_at_the_documented_level(string a, string b, NameAgreement expected)
    {
        Assert.Equal(expected, Compare(a, b));
        Assert.Equal(expected, Compare(b, a));
    }

    [Fact]
    public void Several_names_agree_at_the_best_level_of_any_pair()
    {
        var entry = NameNormaliser.ParsePeople("Kevin Malory and Mary Jones");
        List<NormalisedName> defendants = [NameNormaliser.ParsePerson("John Smith")!, NameNormaliser.ParsePerson("Mary Jones")!];

        Assert.Equal(NameAgreement.Exact, NameComparison.Best(entry, defendants, 0.9));
        Assert.Equal(NameAgreement.None, NameComparison.Best(entry, defendants.Take(1).ToList(), 0.9));
    }
}
