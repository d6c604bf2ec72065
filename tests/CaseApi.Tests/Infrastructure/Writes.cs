using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Conditional writes: PUT, PATCH and DELETE with or without If-Match.</summary>
public static class Writes
{
    public static Task<HttpResponseMessage> PutAsync(this HttpClient client, string path, JsonObject body, EntityTagHeaderValue? ifMatch) =>
        SendAsync(client, HttpMethod.Put, path, JsonContent.Create(body), ifMatch);

    public static Task<HttpResponseMessage> MergePatchAsync(this HttpClient client, string path, string patch, EntityTagHeaderValue? ifMatch,
        string mediaType = "application/merge-patch+json") =>
        SendAsync(client, HttpMethod.Patch, path, new StringContent(patch, Encoding.UTF8, mediaType), ifMatch);

    public static Task<HttpResponseMessage> DeleteAsync(this HttpClient client, string path, EntityTagHeaderValue? ifMatch) =>
        SendAsync(client, HttpMethod.Delete, path, null, ifMatch);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content, EntityTagHeaderValue? ifMatch)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (ifMatch is not null) request.Headers.IfMatch.Add(ifMatch);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
