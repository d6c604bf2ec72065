using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Errors;

/// <summary>
/// Writes a problem as application/problem+json when the framework's writer declines because the request's Accept names
/// no JSON type (it then writes nothing, and a 400 or 401 would leave with an empty body). RFC 9110 §12.1 lets an error
/// be sent in a type the client did not ask for, and ContentNegotiation's 406 already does so: every problem has a body.
/// Registered after AddProblemDetails, so it only answers what the framework's writer leaves.
/// </summary>
internal sealed class ProblemJsonFallbackWriter(
    IOptions<ProblemDetailsOptions> problems, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        problems.Value.CustomizeProblemDetails?.Invoke(context);
        var problem = context.ProblemDetails;
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(
            problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json", context.HttpContext.RequestAborted));
    }
}
