using CaseApi.Linkage;

namespace CaseApi.Tests.Linkage;

public sealed class TrigramBlockerTests
{
    [Fact]
    public void Trigrams_are_taken_per_word_as_pg_trgm_takes_them()
    {
        // The pg_trgm documentation's examples: "cat" and "foo|bar".
        Assert.Equal(["  c", " ca", "at ", "cat"], TrigramBlocker.Trigrams(TextFolding.Words("cat")).Order(StringComparer.Ordinal));
        Assert.Equal(8, TrigramBlocker.Trigrams(TextFolding.Words("foo|bar")).Count);
    }

    private static CandidateCase Case(string key, params string[] defendants) => new(key, key, defendants, null, null, null, null, [], null, []);

    [Fact]
    public void An_entry_blocks_with_cases_whose_defendants_look_alike_in_any_order_or_spelling()
    {
        var cases = new[]
        {
            Case("a", "Yanjun Xu"), Case("b", "Kevin Patrick Mallory"), Case("c", "Xuehua \"Edward\" Peng"), Case("d", "Mary Jones"),
        }.Select(CaseProfile.From).ToList();
        var blocker = new TrigramBlocker(cases);

        string[] Keys(string names) => [.. blocker.Candidates(EntryProfile.From(new ListEntry("r", names, null, null, null))).Select(c => c.Case.Key)];

        Assert.Equal(["a", "b"], Keys("XU YANJUN and Kevni Mallory"));
        Assert.Equal(["c"], Keys("Edward Peng"));
        Assert.Empty(Keys("John Smith"));
    }

    [Fact]
    public void An_entry_blocks_with_the_case_that_cites_its_reference_whatever_the_names()
    {
        var cited = new CandidateCase("a", "a", ["Yanjun Xu"], null, null, null, null, [], null, ["https://www.justice.example/pr/1"]);
        var blocker = new TrigramBlocker([CaseProfile.From(cited)]);

        var found = blocker.Candidates(EntryProfile.From(new ListEntry("https://justice.example/pr/1", null, null, null, null)));

        Assert.Equal("a", Assert.Single(found).Case.Key);
    }
}
