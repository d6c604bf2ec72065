using System.Net;
using System.Net.Http.Json;
using CaseApi.Infrastructure.Errors;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Review;

/// <summary>Review:Mode off (the default): every write publishes, as before review existed.</summary>
public sealed class ReviewOffRulesTests(CaseApiFactory api) : ReviewRulesTest(api)
{
    public static TheoryData<string, Outcome?, Outcome> Cells => new()
    {
        { "case-create", Outcome.Publishes, Outcome.Publishes },
        { "case-replace", Outcome.Publishes, Outcome.Publishes },
        { "case-patch", Outcome.Publishes, Outcome.Publishes },
        { "case-delete", Outcome.Publishes, Outcome.Publishes },
        { "import", null, Outcome.Publishes },
        { "delete-by-filter", null, Outcome.Publishes },
        { "list-membership", Outcome.Publishes, Outcome.Publishes },
        { "link-acceptance", Outcome.Publishes, Outcome.Publishes },
        { "entity-create", Outcome.Publishes, Outcome.Publishes },
        { "entity-merge", Outcome.Publishes, Outcome.Publishes },
        { "entity-redact", null, Outcome.Publishes },
        { "reference-data", null, Outcome.Publishes },
        { "release", null, Outcome.Publishes },
        { "api-key", null, Outcome.Publishes },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public Task A_write_does_what_the_table_says_for_editors_and_admins(string row, Outcome? editor, Outcome admin) =>
        AssertCellAsync(row, editor, admin);
}

/// <summary>Review:Mode editors: an editor's case writes become proposals, other editor writes are refused; admins publish.</summary>
public sealed class ReviewEditorsRulesTests(EditorsReviewFactory api) : ReviewRulesTest(api), IClassFixture<EditorsReviewFactory>
{
    public static TheoryData<string, Outcome?, Outcome> Cells => new()
    {
        { "case-create", Outcome.Proposal, Outcome.Publishes },
        { "case-replace", Outcome.Proposal, Outcome.Publishes },
        { "case-patch", Outcome.Proposal, Outcome.Publishes },
        { "case-delete", Outcome.Proposal, Outcome.Publishes },
        { "import", null, Outcome.Publishes },
        { "delete-by-filter", null, Outcome.Publishes },
        { "list-membership", Outcome.Refused, Outcome.Publishes },
        { "link-acceptance", Outcome.Refused, Outcome.Publishes },
        { "entity-create", Outcome.Refused, Outcome.Publishes },
        { "entity-merge", Outcome.Refused, Outcome.Publishes },
        { "entity-redact", null, Outcome.Publishes },
        { "reference-data", null, Outcome.Publishes },
        { "release", null, Outcome.Publishes },
        { "api-key", null, Outcome.Publishes },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public Task A_write_does_what_the_table_says_for_editors_and_admins(string row, Outcome? editor, Outcome admin) =>
        AssertCellAsync(row, editor, admin);
}

/// <summary>Review:Mode everyone: every case write becomes a proposal and other case-content writes are refused, admins' too.</summary>
public sealed class ReviewEveryoneRulesTests(EveryoneReviewFactory api) : ReviewRulesTest(api), IClassFixture<EveryoneReviewFactory>
{
    public static TheoryData<string, Outcome?, Outcome> Cells => new()
    {
        { "case-create", Outcome.Proposal, Outcome.Proposal },
        { "case-replace", Outcome.Proposal, Outcome.Proposal },
        { "case-patch", Outcome.Proposal, Outcome.Proposal },
        { "case-delete", Outcome.Proposal, Outcome.Proposal },
        { "import", null, Outcome.Refused },
        { "delete-by-filter", null, Outcome.Refused },
        { "list-membership", Outcome.Refused, Outcome.Refused },
        { "link-acceptance", Outcome.Refused, Outcome.Refused },
        { "entity-create", Outcome.Refused, Outcome.Refused },
        { "entity-merge", Outcome.Refused, Outcome.Refused },
        { "entity-redact", null, Outcome.Publishes },
        { "reference-data", null, Outcome.Publishes },
        { "release", null, Outcome.Publishes },
        { "api-key", null, Outcome.Publishes },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public Task A_write_does_what_the_table_says_for_editors_and_admins(string row, Outcome? editor, Outcome admin) =>
        AssertCellAsync(row, editor, admin);

    [Fact]
    public async Task An_admins_own_proposal_needs_another_admin_or_reviewer()
    {
        using var proposed = await Client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("admins-case"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, proposed.StatusCode);

        using var own = await Client.PostAsync($"{proposed.Headers.Location}/approve", null, Ct);
        using var other = await (await ClientForRoleAsync("admin")).PostAsync($"{proposed.Headers.Location}/approve", null, Ct);

        Assert.Equal(ProblemCodes.OwnProposal, (string?)(await Problems.AssertAsync(own, HttpStatusCode.Forbidden))["code"]);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/api/v1/cases/admins-case", Ct)).StatusCode);
    }
}
