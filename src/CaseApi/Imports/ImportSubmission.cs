namespace CaseApi.Imports;

/// <summary>
/// One import as the endpoint hands it to <see cref="ImportPipeline"/>: the options, the body with its media type, and
/// who asked (the audit actor and the request id the audit rows carry). Nothing of HTTP travels further.
/// </summary>
internal sealed record ImportSubmission(ImportQuery Query, string? ContentType, Stream Body, string Actor, string RequestId);
