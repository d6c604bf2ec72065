using System.Text.Json;
using CaseApi.Audit;
using Microsoft.AspNetCore.Http.Features;

namespace CaseApi.Review;

/// <summary>
/// Applies an approved proposal through the very route a direct write takes (its filters, validation, slug and name checks,
/// audit row): the stored request is sent to that route's endpoint in-process, as its author, with the proposal's base
/// version as If-Match, on the approval's own DbContext and therefore inside the approval's transaction. There is no second
/// copy of the case write logic to drift from the first.
/// </summary>
internal static class ProposalApplier
{
    // As the case routes accept it (RFC 7396).
    private const string MergePatchMediaType = "application/merge-patch+json";

    /// <summary>What the write answered: its status, and its body (the case, or the problem it refused the change with).</summary>
    public sealed record Applied(int Status, JsonDocument? Body)
    {
        public bool Succeeded => Status is >= 200 and < 300;

        public Guid? CaseId => Body?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("id", out var id)
            && id.TryGetGuid(out var guid) ? guid : null;

        public string? Detail => Body?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("detail", out var d)
            ? d.GetString() : null;
    }

    public static async Task<Applied> ApplyAsync(HttpContext http, Proposal proposal, CancellationToken ct)
    {
        var endpoint = CaseWriteEndpoint(http.RequestServices, ProposalKinds.Method(proposal.Kind));
        var write = new DefaultHttpContext { RequestServices = http.RequestServices, TraceIdentifier = http.TraceIdentifier, RequestAborted = ct };
        // The change is the author's: the case's audit row names them, and the approval's row names the reviewer.
        write.User = Infrastructure.Auth.Actors.Principal(proposal.Author, proposal.Author, [], "proposal");
        write.Features.Set(new ProposalApplication(proposal.Id));
        write.Features.Set<IHttpRequestBodyDetectionFeature>(new WithBody(proposal.Change is not null));
        write.SetEndpoint(endpoint);

        var request = write.Request;
        (request.Method, request.Scheme, request.Host, request.PathBase) = (ProposalKinds.Method(proposal.Kind), http.Request.Scheme,
            http.Request.Host, http.Request.PathBase);
        request.Path = proposal.CaseId is { } caseId ? $"/api/v1/cases/{caseId}" : "/api/v1/cases";
        if (proposal.CaseId is { } id) request.RouteValues["id"] = id.ToString();
        if (proposal.BaseVersion is { } version) request.Headers.IfMatch = version;
        if (proposal.Change is { } change)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(change.RootElement);
            request.ContentType = proposal.Kind == ProposalKinds.Patch ? MergePatchMediaType : "application/json";
            request.ContentLength = bytes.Length;
            request.Body = new MemoryStream(bytes);
        }
        using var answer = new MemoryStream();
        write.Response.Body = answer;

        await endpoint.RequestDelegate!(write);

        var text = answer.ToArray();
        return new Applied(write.Response.StatusCode, text.Length == 0 ? null : JsonDocument.Parse(text));
    }

    /// <summary>The case write route of a method: the one route that declared <see cref="ReviewRule.Proposal"/> for it.</summary>
    private static RouteEndpoint CaseWriteEndpoint(IServiceProvider services, string method) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Single(e =>
            e.Metadata.GetMetadata<ReviewDeclaration>()?.Rule == ReviewRule.Proposal
            && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method) == true);

    private sealed class WithBody(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => canHaveBody;
    }

    /// <summary>The audit row of a decision: the proposal, its case and its author (the reviewer is the row's actor).</summary>
    public static AuditEvent Audit(HttpContext http, string action, Proposal p, DateTimeOffset now) =>
        AuditTrail.Event(http, action, "proposal", p.Id.ToString(), new System.Text.Json.Nodes.JsonObject
        {
            ["kind"] = p.Kind,
            ["caseId"] = p.CaseId?.ToString(),
            ["slug"] = p.Slug,
            ["author"] = p.Author,
            ["baseVersion"] = p.BaseVersion,
            ["reason"] = p.Reason,
        }, now);
}
