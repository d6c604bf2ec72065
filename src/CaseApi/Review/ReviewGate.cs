using System.Security.Claims;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Errors;
using Microsoft.Extensions.Options;

namespace CaseApi.Review;

/// <summary>
/// The one review mechanism: a filter on every write route. It lets a write through when the mode lets its caller publish,
/// refuses it when the route has no proposal form, and otherwise hands it to <see cref="ProposalIntake"/>, which validates it
/// exactly as a direct write (by running it and rolling it back) and stores it as a proposal.
/// </summary>
public static class ReviewGate
{
    /// <summary>The one line a write route needs: its rule under review, and the answers that rule adds to the contract.</summary>
    public static RouteHandlerBuilder Reviewed(this RouteHandlerBuilder builder, ReviewRule rule, string? because = null)
    {
        builder.WithMetadata(new ReviewDeclaration(rule, because));
        if (rule == ReviewRule.Exempt) return builder;
        builder.AddEndpointFilter((context, next) => InvokeAsync(rule, because, context, next)).ProducesProblem(StatusCodes.Status403Forbidden);
        // 202 is declared without a schema: beside the route's 200/201 a second success schema makes generated clients keep
        // only one (Kiota warns). The body is the proposal, as GET on its Location answers.
        return rule == ReviewRule.Proposal ? builder.Produces(StatusCodes.Status202Accepted).WithProposalNote() : builder;
    }

    /// <summary>True when the caller's case writes must wait for a second person under <paramref name="mode"/>.</summary>
    public static bool MustBeReviewed(ReviewMode mode, ClaimsPrincipal user) => mode switch
    {
        ReviewMode.Off => false,
        ReviewMode.Editors => !user.IsInRole(Policies.Reviewer) && !user.IsInRole(Policies.Admin),
        _ => true,
    };

    private static async ValueTask<object?> InvokeAsync(
        ReviewRule rule, string? because, EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var mode = http.RequestServices.GetRequiredService<IOptions<ReviewOptions>>().Value.Mode;
        // An approved proposal is applied through this same route by its reviewer: it publishes.
        if (http.Features.Get<ProposalApplication>() is not null || !MustBeReviewed(mode, http.User)) return await next(context);
        if (rule == ReviewRule.Refused)
        {
            var who = mode == ReviewMode.Editors ? "an editor's writes wait for a reviewer" : "no one publishes their own change";
            return ProblemResults.Of(ProblemCodes.ReviewRequired, "This write needs review.",
                $"Review:Mode is {mode.ToString().ToLowerInvariant()} ({who}), and this write cannot be a proposal. {because}");
        }
        return await ProposalIntake.ProposeAsync(context, next);
    }

    private static RouteHandlerBuilder WithProposalNote(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
            {
                Name = ProposalIntake.NoteHeader, In = Microsoft.OpenApi.ParameterLocation.Header, Required = false,
                Description = "When Review:Mode makes this write a proposal (answered 202), a note to the reviewer (at most 2,000 characters; "
                    + "percent-encode anything beyond ASCII). Ignored when the write publishes.",
                Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, MaxLength = ReviewLimits.Note },
            });
            if (operation.Responses?.TryGetValue("202", out var accepted) == true && accepted is Microsoft.OpenApi.OpenApiResponse response)
            {
                response.Description = "Review:Mode made the write a proposal: nothing is published until a reviewer approves it. Location names "
                    + "the proposal (GET /api/v1/proposals/{id}), and the body is that proposal.";
            }
            return Task.CompletedTask;
        });
}

/// <summary>Marks the request through which an approved proposal is applied, so that the gate lets it publish.</summary>
public sealed record ProposalApplication(Guid ProposalId);
