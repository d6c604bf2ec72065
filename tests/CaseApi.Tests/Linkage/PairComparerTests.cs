using CaseApi.Cases;
using CaseApi.Linkage;

namespace CaseApi.Tests.Linkage;

public sealed class PairComparerTests
{
    private static PartialDate? Date(string? text) => PartialDate.TryParse(text, out var d) ? d : null;

    private static CandidateCase Case(
        string? charged = null, string? resolved = null, string? start = null, string? end = null, string[]? states = null,
        string? venue = null, string[]? references = null, string[]? defendants = null) =>
        new("kevin-mallory", "Kevin Mallory — former CIA officer recruited over LinkedIn", defendants ?? ["Kevin Patrick Mallory"],
            Date(charged), Date(resolved), Date(start), Date(end), states ?? [], venue, references ?? []);

    private static ComparisonVector Compare(ListEntry entry, CandidateCase candidate) =>
        new PairComparer(new LinkageOptions()).Compare(EntryProfile.From(entry), CaseProfile.From(candidate));

    [Theory]
    [InlineData("2017-06-22", "2017-06-22", null, 0)]
    [InlineData("2017-06-22", "2017-06", null, 1)]
    [InlineData("2017-07-10", "2017-06-22", null, 1)]
    [InlineData("2017", "2017-06-22", null, 2)]
    [InlineData("2018-09-01", "2017-06-22", null, 3)]
    [InlineData("2010-01-01", "2017-06-22", null, 4)]
    [InlineData("2019-05-20", "2017-06-22", "2019-05-17", 0 + 1)]
    [InlineData("2017-06-22", null, null, LinkageFeatures.Missing)]
    public void Dates_agree_by_the_gap_between_periods_never_finer_than_their_precision(string entry, string? charged, string? resolved, int level)
    {
        Assert.Equal(level, PairComparer.DateLevel(Date(entry), Case(charged, resolved)));
    }

    [Fact]
    public void An_activity_period_agrees_at_best_within_a_year()
    {
        Assert.Equal(2, PairComparer.DateLevel(Date("2017-03-01"), Case(start: "2017", end: "2017-05")));
        Assert.Equal(LinkageFeatures.Missing, PairComparer.DateLevel(null, Case("2017-06")));
    }

    [Fact]
    public void A_release_the_case_cites_agrees_on_reference_whatever_the_scheme_or_trailing_slash()
    {
        var entry = new ListEntry("https://www.justice.example/opa/pr/former-cia-officer-sentenced/", "Kevin Mallory", null, null, null);

        var cited = Compare(entry, Case(references: ["http://justice.example/opa/pr/former-cia-officer-sentenced"]));
        var other = Compare(entry, Case(references: ["https://news.example/mallory"]));
        var none = Compare(entry, Case());

        Assert.Equal(0, cited.Reference);
        Assert.Equal(1, other.Reference);
        Assert.Equal(LinkageFeatures.Missing, none.Reference);
    }

    [Fact]
    public void Places_agree_on_a_state_from_the_case_s_states_or_its_venue()
    {
        var entry = new ListEntry("r", "Kevin Mallory", null, null, "Eastern District of Virginia");

        Assert.Equal(0, Compare(entry, Case(venue: "E.D. Va.")).Place);
        Assert.Equal(0, Compare(entry, Case(states: ["VA"])).Place);
        Assert.Equal(1, Compare(entry, Case(states: ["CA"])).Place);
        Assert.Equal(LinkageFeatures.Missing, Compare(entry, Case()).Place);
    }

    [Fact]
    public void Title_similarity_leaves_out_the_names_already_compared()
    {
        var close = new ListEntry("r", "Kevin Mallory", null, "KEVIN MALLORY: FORMER CIA OFFICER RECRUITED OVER LINKEDIN", null);
        var some = new ListEntry("r", "Kevin Mallory", null, "CIA officer sentenced to 20 years in prison", null);
        var unrelated = new ListEntry("r", "Kevin Mallory", null, "Kevin Mallory wins the county fair", null);

        Assert.Equal(0, Compare(close, Case()).Title);
        Assert.Equal(1, Compare(some, Case()).Title);
        Assert.Equal(2, Compare(unrelated, Case()).Title);
    }

    [Fact]
    public void A_case_without_defendants_leaves_the_name_feature_missing()
    {
        Assert.Equal(LinkageFeatures.Missing, Compare(new ListEntry("r", "Kevin Mallory", null, null, null), Case(defendants: [])).Name);
    }
}
