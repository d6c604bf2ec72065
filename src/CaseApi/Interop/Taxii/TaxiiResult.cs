using System.Text.Json;
using System.Text.Json.Nodes;

namespace CaseApi.Interop.Taxii;

/// <summary>
/// A TAXII answer: a resource, an envelope (with the X-TAXII-Date-Added-First and -Last headers of its first and last object),
/// or a TAXII error message (§3.6.1), always as <c>application/taxii+json;version=2.1</c>.
/// </summary>
internal sealed class TaxiiResult(int status, JsonObject body, IReadOnlyDictionary<string, string>? headers = null) : IResult
{
    public const string DateAddedFirst = "X-TAXII-Date-Added-First";
    public const string DateAddedLast = "X-TAXII-Date-Added-Last";

    public int StatusCode => status;

    public static TaxiiResult Ok(JsonObject resource) => new(StatusCodes.Status200OK, resource);

    /// <summary>
    /// A page as the envelope TAXII names (objects, manifest, versions): <c>more</c>, <c>next</c> when more follow, and the items
    /// under <paramref name="member"/>, left out when there are none.
    /// </summary>
    public static TaxiiResult Envelope(TaxiiPage page, string member, Func<TaxiiObject, JsonNode> item)
    {
        var body = new JsonObject { ["more"] = page.More };
        if (page.Next is { } next) body["next"] = Infrastructure.Paging.PageCursor.Encode(next);
        if (page.Objects.Count == 0) return new(StatusCodes.Status200OK, body);
        body[member] = new JsonArray([.. page.Objects.Select(item)]);
        return new(StatusCodes.Status200OK, body, new Dictionary<string, string>
        {
            [DateAddedFirst] = TaxiiLog.Timestamp(page.Objects[0].DateAdded),
            [DateAddedLast] = TaxiiLog.Timestamp(page.Objects[^1].DateAdded),
        });
    }

    /// <summary>A TAXII error message: title, description, and the HTTP status repeated in the body.</summary>
    public static TaxiiResult Error(int status, string title, string description) => new(status, new JsonObject
    {
        ["title"] = title,
        ["description"] = description,
        ["http_status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = TaxiiEndpoints.MediaType;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) response.Headers[name] = value;
        await using var writer = new Utf8JsonWriter(response.Body);
        body.WriteTo(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
