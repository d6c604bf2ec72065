using Microsoft.Net.Http.Headers;

namespace CaseApi.Infrastructure.Http;

public static class MediaTypes
{
    /// <summary>True when the request's Content-Type is the given media type (parameters such as charset allowed).</summary>
    public static bool HasMediaType(this HttpRequest request, string mediaType) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
        && parsed.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase);
}
