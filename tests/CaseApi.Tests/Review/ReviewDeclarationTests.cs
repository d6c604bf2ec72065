using CaseApi.Review;
using CaseApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Review;

/// <summary>
/// Every write path has a stated rule under review: each write route of the API declares one where it is mapped, so a new
/// write route fails here until someone decides (and docs/guides/review.md says) what review does to it.
/// </summary>
public sealed class ReviewDeclarationTests(CaseApiFactory api) : ApiTest(api)
{
    // The review's own decisions are not writes to review.
    private static readonly string[] Decisions = ["ApproveProposal", "RejectProposal", "WithdrawProposal"];

    [Fact]
    public void Every_write_route_declares_its_review_rule()
    {
        var undeclared = Writes().Where(e => e.Metadata.GetMetadata<ReviewDeclaration>() is null)
            .Select(e => e.DisplayName).Where(name => !Decisions.Any(d => name?.Contains(d, StringComparison.Ordinal) == true)).ToList();

        Assert.True(undeclared.Count == 0, "Write routes without .Reviewed(…): " + string.Join(", ", undeclared));
        Assert.True(Writes().Count() > 15, "The write route list looks incomplete.");
    }

    [Fact]
    public void Exactly_the_four_case_writes_become_proposals_one_per_method()
    {
        var proposing = Writes().Where(e => e.Metadata.GetMetadata<ReviewDeclaration>()?.Rule == ReviewRule.Proposal)
            .Select(e => $"{string.Join(',', e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)} {e.RoutePattern.RawText}")
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["DELETE /api/v1/cases/{id}", "PATCH /api/v1/cases/{id}", "POST /api/v1/cases/", "PUT /api/v1/cases/{id}"], proposing);
    }

    [Fact]
    public void A_refused_route_says_why()
    {
        Assert.All(Writes().Select(e => e.Metadata.GetMetadata<ReviewDeclaration>()).OfType<ReviewDeclaration>()
            .Where(d => d.Rule == ReviewRule.Refused), d => Assert.False(string.IsNullOrWhiteSpace(d.Because)));
    }

    private IEnumerable<RouteEndpoint> Writes() =>
        Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Any(m => m is "POST" or "PUT" or "PATCH" or "DELETE") == true);
}
