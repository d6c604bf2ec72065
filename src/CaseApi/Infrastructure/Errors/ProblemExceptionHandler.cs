using System.Globalization;
using System.Text.Json;
using CaseApi.Infrastructure.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.Infrastructure.Errors;

/// <summary>
/// Turns infrastructure exceptions into precise RFC 9457 problems, so that no bad input ever reaches a 500:
/// body-binding failures (malformed JSON, wrong types, unknown properties, oversize bodies, wrong media types),
/// lost concurrency races and constraint violations. .NET 10 no longer logs handled exceptions, so this does.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var problem = Describe(exception);
        if (problem is null)
        {
            if (http.RequestAborted.IsCancellationRequested) return true;
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", http.Request.Method, http.Request.Path);
            problem = new ProblemDetails { Status = 500 };
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            // Not the request's fault and not a bug: the operator needs to see it, the client only needs to retry.
            logger.LogWarning("Answered 503 to {Method} {Path}, the database is unavailable: {Reason}",
                http.Request.Method, http.Request.Path, exception.GetBaseException().Message);
            http.Response.Headers.RetryAfter = ((int)DatabaseFaults.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            // The problem's title and the fields it names, never the exception's message: a binding failure's message
            // quotes the value sent, which may be a secret pasted into the wrong parameter.
            logger.LogInformation("Answered {Status} to {Method} {Path}: {Reason}",
                problem.Status, http.Request.Method, http.Request.Path, Reason(problem));
        }

        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails? Describe(Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => InvalidJson(json),
        JsonException json => InvalidJson(json),
        BadHttpRequestException { StatusCode: 413 } e => Problem(413, "The request body is too large.", e.Message),
        BadHttpRequestException { StatusCode: 415 } => new ProblemDetails { Status = 415, Title = "Unsupported media type." },
        BadHttpRequestException e when BindingFailures.Describe(e.Message) is var (parameter, message) => InvalidParameter(parameter, message),
        BadHttpRequestException e => Problem(e.StatusCode, "The request could not be read.", e.Message),
        DbUpdateConcurrencyException => Problem(412, "The resource has changed.",
            "Someone else changed it since you read it. GET it again and reapply your change."),
        DbUpdateException { InnerException: PostgresException pg } when Constraint(pg) is { } conflict => conflict,
        PostgresException pg when Constraint(pg) is { } conflict => conflict,
        _ when DatabaseFaults.IsUnavailable(exception) => Problem(503, "The database is unavailable.",
            $"The service cannot reach its database right now. Retry after {(int)DatabaseFaults.RetryAfter.TotalSeconds} seconds; "
            + "retry writes with If-Match or an Idempotency-Key.",
            ProblemCodes.DatabaseUnavailable),
        _ => null,
    };

    private static string Reason(ProblemDetails problem) => problem is ValidationProblemDetails { Errors.Count: > 0 } invalid
        ? $"{problem.Title} ({string.Join(", ", invalid.Errors.Keys)})"
        : problem.Title ?? "";

    private static ValidationProblemDetails InvalidParameter(string parameter, string message) =>
        new(new Dictionary<string, string[]> { [parameter] = [message] })
        {
            Status = 400,
            Title = "The request is invalid.",
            Detail = $"Parameter '{parameter}': {message}",
            Extensions = { [ProblemCodes.Member] = ProblemCodes.InvalidParameter },
        };

    private static ValidationProblemDetails InvalidJson(JsonException json)
    {
        var (field, message) = ApiJson.Describe(json);
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = 400,
            Title = "The request body is not valid JSON for this resource.",
            Detail = json.LineNumber is { } line ? $"At line {line + 1}, position {json.BytePositionInLine + 1}: {message}" : message,
            Extensions = { [ProblemCodes.Member] = ProblemCodes.InvalidJson },
        };
    }

    private static ProblemDetails? Constraint(PostgresException pg) => pg.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => Problem(409, "A resource with this key already exists.",
            pg.ConstraintName is { } c ? $"Conflict on {c}." : pg.MessageText, ProblemCodes.DuplicateKey),
        PostgresErrorCodes.ForeignKeyViolation => Problem(409, "The change conflicts with data that refers to it.", pg.MessageText,
            ProblemCodes.StillReferenced),
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected => Problem(409, "A concurrent change conflicted; retry.",
            pg.MessageText, ProblemCodes.WriteConflict),
        PostgresErrorCodes.UntranslatableCharacter or PostgresErrorCodes.CharacterNotInRepertoire => Problem(400,
            "The request contains characters PostgreSQL cannot store (such as NUL).", pg.MessageText, ProblemCodes.UnstorableCharacters),
        _ => null,
    };

    /// <summary>A problem; without a code it gets its status's general one (ProblemSetup).</summary>
    private static ProblemDetails Problem(int status, string title, string detail, string? code = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (code is not null) problem.Extensions[ProblemCodes.Member] = code;
        return problem;
    }
}
