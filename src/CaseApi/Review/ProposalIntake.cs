using System.Text.Json;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Infrastructure.Errors;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CaseApi.Review;

/// <summary>
/// Turns a case write into a proposal. The write runs as it would run directly, inside a transaction that is always rolled
/// back: so a proposal is validated by the very code that will apply it (body, slug, names, If-Match, reference codes), and
/// any problem it would answer is answered now. Only a write that would have succeeded is stored, and answered 202.
/// </summary>
internal static class ProposalIntake
{
    public const string NoteHeader = "Proposal-Note";

    public static async ValueTask<object?> ProposeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        if (Note(http.Request) is not (true, var note)) return NoteTooLong();

        var db = http.RequestServices.GetRequiredService<CaseDbContext>();
        var kind = ProposalKinds.Of(http.Request.Method);
        var target = http.Request.RouteValues["id"] as string;
        var current = target is null ? null : await db.Cases.AsNoTracking().Where(Matching(target))
            .Select(c => new { c.Id, c.Slug, c.Version }).FirstOrDefaultAsync(ct);
        // A merge patch is read by the handler itself: keep it readable for the proposal.
        if (kind == ProposalKinds.Patch) http.Request.EnableBuffering();

        object? outcome;
        await using (var rehearsal = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                outcome = await next(context);
            }
            finally
            {
                await rehearsal.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                http.Response.Headers.Remove(HeaderNames.ETag);
            }
        }
        if (StatusOf(outcome) is not (>= 200 and < 300)) return outcome;

        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var proposal = new Proposal
        {
            Id = Guid.CreateVersion7(),
            Kind = kind,
            CaseId = current?.Id,
            Slug = current?.Slug ?? (context.Arguments.OfType<CaseRequest>().FirstOrDefault()?.Slug),
            Change = await ChangeAsync(context, kind, json),
            BaseVersion = current is null ? null : $"\"{current.Version}\"",
            Note = note,
            Author = AuditTrail.Actor(http.User),
            ProposedAt = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(),
            RequestId = http.TraceIdentifier,
        };
        db.Proposals.Add(proposal);
        await db.SaveChangesAsync(ct);

        var response = await ProposalReads.DescribeAsync(db, proposal, json, ct);
        return TypedResults.Accepted($"/api/v1/proposals/{proposal.Id}", response);
    }

    public static System.Linq.Expressions.Expression<Func<Case, bool>> Matching(string idOrSlug) =>
        Guid.TryParse(idOrSlug, out var id) ? c => c.Id == id : c => c.Slug == idOrSlug;

    /// <summary>The body as the route bound it (a case), or as sent (a merge patch, which the handler reads itself).</summary>
    private static async Task<JsonDocument?> ChangeAsync(EndpointFilterInvocationContext context, string kind, JsonSerializerOptions json)
    {
        if (kind == ProposalKinds.Delete) return null;
        var bodyType = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        if (context.Arguments.FirstOrDefault(a => a is not null && a.GetType() == bodyType) is { } bound)
        {
            return JsonSerializer.SerializeToDocument(bound, bound.GetType(), json);
        }
        var body = context.HttpContext.Request.Body;
        body.Position = 0;
        return await JsonDocument.ParseAsync(body, cancellationToken: context.HttpContext.RequestAborted);
    }

    /// <summary>The status a handler's result answers with (a Results&lt;…&gt; union holds the result it chose).</summary>
    internal static int? StatusOf(object? outcome) => outcome switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult result => result.StatusCode,
        _ => null,
    };

    private static (bool Valid, string? Note) Note(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(NoteHeader, out var values)) return (true, null);
        var note = Uri.UnescapeDataString(values.ToString());
        return note.Length <= ReviewLimits.Note ? (true, note) : (false, null);
    }

    private static ProblemHttpResult NoteTooLong() =>
        ProblemResults.Of(ProblemCodes.InvalidParameter, "Invalid Proposal-Note header.",
            $"{NoteHeader} holds at most {ReviewLimits.Note} characters.");
}
