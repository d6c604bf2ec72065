using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace CaseApi.Client;

/// <summary>
/// A response header of one call. Kiota returns bodies only; a header (ETag, Feed-Position) is read through a
/// <see cref="HeadersInspectionHandlerOption"/> added to the call's options.
/// </summary>
public sealed class ResponseHeaders
{
    /// <summary>Add this to a call's <c>Options</c>; read the headers after it returns.</summary>
    public HeadersInspectionHandlerOption Option { get; } = new() { InspectResponseHeaders = true };

    /// <summary>The header's first value, or null when the response had none.</summary>
    public string? this[string name] =>
        Option.ResponseHeaders.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;
}
