using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CaseApi.History;
using CaseApi.Store;
using Microsoft.Net.Http.Headers;

namespace CaseApi.Infrastructure.Http;

/// <summary>
/// Strong ETags for reads over the whole store (lists, exports, statistics): the store version plus a hash of the
/// normalised request, and 304 when If-None-Match already names it. A dashboard that polls pays one clock read until
/// something commits.
/// </summary>
public static class StoreVersionETags
{
    /// <summary>Marks an endpoint whose 200 and 304 carry the store-version ETag (the OpenAPI transformer declares the header).</summary>
    public sealed class Metadata;

    /// <summary>Where the request's tag waits for <see cref="StoreVersionCache"/>, which keys its entries by it.</summary>
    public const string TagKey = "CaseApi.StoreVersionTag";

    /// <summary>Adds the ETag and the 304 to an endpoint, or to every endpoint of a group.</summary>
    public static TBuilder WithStoreVersionETag<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(CheckAsync).WithMetadata(new Metadata(), new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified));

    private static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var db = http.RequestServices.GetRequiredService<ReadOnlyCaseDbContext>();
        // A request refused further on (a malformed asOf, an unknown release) carries no tag.
        if ((await AsOfReads.ResolveAsync(http)).View is not { } view) return await next(context);
        // An as-of answer never changes: it is tagged (and cached) under its position, marked "p" so that it never shares a
        // tag with a current answer. Otherwise read before the handler reads its data: the body is then at least as new as
        // its tag, so a tag never vouches for data the client has not got (at worst a later poll gets a 200 with the same body).
        var version = view.Position is { } position ? $"p{position}" : $"{await StoreVersion.ReadAsync(db, http.RequestAborted)}";
        var tag = new EntityTagHeaderValue($"\"{version}-{RequestHash(http.Request)}\"");
        if (EntityTagHeaderValue.TryParseList(http.Request.Headers.IfNoneMatch, out var held)
            && held.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(tag, useStrongComparison: true)))
        {
            http.Response.Headers.ETag = tag.ToString();
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        http.Items[TagKey] = tag.Tag.ToString();
        http.Response.OnStarting(() =>
        {
            if (http.Response.StatusCode == StatusCodes.Status200OK) http.Response.Headers.ETag = tag.ToString();
            return Task.CompletedTask;
        });
        return await next(context);
    }

    /// <summary>The path, the query parameters in a fixed order, and what the client accepts: the same question, the same hash.</summary>
    private static string RequestHash(HttpRequest request)
    {
        var text = new StringBuilder(request.Path.Value?.ToLowerInvariant());
        foreach (var (key, values) in request.Query.OrderBy(p => p.Key.ToLowerInvariant(), StringComparer.Ordinal))
        {
            foreach (var value in values) text.Append('\n').Append(key.ToLowerInvariant()).Append('=').Append(value);
        }
        text.Append('\n').Append(request.Headers.Accept.ToString());
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 12));
    }
}
