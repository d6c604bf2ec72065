using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Infrastructure.Errors;

public static class ProblemSetup
{
    /// <summary>
    /// Every problem the service sends, from any source (handlers, routing, status-code pages, the exception handler,
    /// authentication, rate limiting), leaves with a type, a code, a title, a status, a detail and the request's traceId.
    /// </summary>
    public static IServiceCollection AddCaseApiProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context => Complete(context.ProblemDetails, context.HttpContext));
        // After the framework's writer, which declines when Accept names no JSON type: a problem always has a body.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }

    internal static void Complete(ProblemDetails problem, HttpContext http)
    {
        // The same id is in the request's log lines and in audit rows, so a problem can be traced end to end.
        problem.Extensions["traceId"] = http.TraceIdentifier;
        var status = problem.Status ?? StatusCodes.Status500InternalServerError;
        var known = ProblemTypes.For(status);
        problem.Type ??= known.Type;
        problem.Title ??= known.Title;
        problem.Detail ??= status == StatusCodes.Status415UnsupportedMediaType ? UnsupportedMediaType(http.Request) : known.Detail;
        // A code named by whoever wrote the problem stays; otherwise field errors make a 400 a validation failure.
        problem.Extensions.TryAdd(ProblemCodes.Member,
            problem is HttpValidationProblemDetails { Errors.Count: > 0 } ? ProblemCodes.ValidationFailed : known.Code);
    }

    // Routing answers 415 itself for PATCH (its endpoint declares the one media type it accepts); every other body is JSON.
    private static string UnsupportedMediaType(HttpRequest request) =>
        HttpMethods.IsPatch(request.Method)
            ? $"PATCH takes a JSON Merge Patch: send Content-Type: application/merge-patch+json (got '{request.ContentType}')."
            : $"Send the body as Content-Type: application/json (got '{request.ContentType}').";
}
