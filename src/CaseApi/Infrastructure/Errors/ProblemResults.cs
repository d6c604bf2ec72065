using Microsoft.AspNetCore.Http.HttpResults;

namespace CaseApi.Infrastructure.Errors;

/// <summary>
/// The one way a handler writes a problem with a precise cause: the code names it, and its status comes from
/// <see cref="ProblemCodes.Precise"/>, so a code is never sent with two statuses. Problems without a precise cause use
/// <c>TypedResults.Problem(statusCode: …)</c> and get their status's general code (<see cref="ProblemSetup"/>).
/// </summary>
public static class ProblemResults
{
    public static ProblemHttpResult Of(string code, string title, string? detail = null) =>
        TypedResults.Problem(statusCode: Status(code), title: title, detail: detail,
            extensions: new Dictionary<string, object?> { [ProblemCodes.Member] = code });

    /// <summary>The status a precise code is sent with.</summary>
    public static int Status(string code) =>
        ProblemCodes.Precise.TryGetValue(code, out var status)
            ? status
            : throw new ArgumentException($"'{code}' is not a precise problem code (ProblemCodes.Precise).", nameof(code));
}
