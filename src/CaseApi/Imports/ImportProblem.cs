using CaseApi.Infrastructure.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CaseApi.Imports;

/// <summary>
/// A refused upload as its problem, for every endpoint that takes a file through the import's readers (imports, list
/// entries): 415 for a file in no format read here, else the precise code of its reason.
/// </summary>
internal static class ImportProblem
{
    public static ProblemHttpResult Of(ImportRefusal refusal) => refusal.Reason == ImportRefusalReason.NotAnImportFormat
        ? TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: refusal.Title, detail: refusal.Detail)
        : ProblemResults.Of(Code(refusal.Reason), refusal.Title, refusal.Detail);

    private static string Code(ImportRefusalReason reason) => reason switch
    {
        ImportRefusalReason.IdempotencyKeyReused => ProblemCodes.IdempotencyKeyReused,
        ImportRefusalReason.FormWithoutFile => ProblemCodes.FormWithoutFile,
        ImportRefusalReason.LimitExceeded => ProblemCodes.ImportLimitExceeded,
        _ => ProblemCodes.ImportUnreadable,
    };
}
