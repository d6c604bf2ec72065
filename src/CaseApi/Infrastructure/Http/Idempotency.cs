using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CaseApi.Infrastructure.Errors;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.Http;

/// <summary>
/// <c>Idempotency-Key</c> on a POST, as the IETF HTTPAPI draft "The Idempotency-Key HTTP Header Field" describes it: the
/// first request with a key runs and its answer is kept for <see cref="Window"/>; a retry with the same key and the same
/// request gets that answer again (status, Location, ETag, the consistency token and the body) without running; the same
/// key with another request is a 422 <c>idempotency-key-reused</c>, and a retry while the first still runs a 409
/// <c>idempotency-key-in-flight</c> (with Retry-After). Kept: successes and conflicts (2xx, 409), the answers a retry must
/// not change; anything else (a 400, a 5xx) is forgotten, so that a retry runs again. Keys are per API key: two clients
/// never see each other's answers. A POST opts in with <see cref="Idempotent"/>; the import keeps its own (it stores its
/// report under the key, ImportPipeline).
/// </summary>
public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";

    /// <summary>How long an answer is kept: a day covers every sensible retry policy.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>A request holds its key this long at most: after that (its instance died) a retry may run again.</summary>
    private static readonly TimeSpan InFlightLimit = TimeSpan.FromMinutes(5);

    private static readonly string[] KeptHeaders =
        [HeaderNames.Location, HeaderNames.ETag, HeaderNames.ContentType, ConsistentReads.HeaderName];

    /// <summary>The one line a POST needs: the filter, the header parameter and the statuses it adds to the contract.</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(InvokeAsync)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = HeaderName, In = ParameterLocation.Header, Required = false,
                    Description = "A client-chosen unique key (1 to 200 printable characters, e.g. a UUID) that makes a retry safe: the same key "
                        + "and request within 24 hours get the first answer again without repeating the write; the same key with another "
                        + "request is a 422 (idempotency-key-reused); a retry while the first still runs is a 409 (idempotency-key-in-flight).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 200 },
                });
                return Task.CompletedTask;
            });

    private static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(HeaderName, out var values)) return await next(context);
        if (values is not [{ Length: >= 1 and <= 200 } key] || key.Any(char.IsControl))
        {
            return ProblemResults.Of(ProblemCodes.InvalidParameter, "Invalid Idempotency-Key header.",
                "Idempotency-Key must be one value of 1 to 200 printable characters, e.g. a UUID.");
        }

        var db = http.RequestServices.GetRequiredService<CaseDbContext>();
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var actor = http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? $"ip:{http.Connection.RemoteIpAddress}";
        var hash = await RequestHashAsync(context);
        var ct = http.RequestAborted;

        if (!await TryReserveAsync(db, actor, key, hash, now, ct))
        {
            return await ReplayAsync(db, actor, key, hash, http, ct);
        }
        try
        {
            var outcome = await next(context);
            if (outcome is not IResult result) return await ForgetAsync(db, actor, key, outcome);
            // The answer is written into a buffer first, so that it can be kept as the client received it.
            var body = http.Response.Body;
            using var buffer = new MemoryStream();
            http.Response.Body = buffer;
            try
            {
                await result.ExecuteAsync(http);
            }
            finally
            {
                http.Response.Body = body;
            }
            var status = http.Response.StatusCode;
            if (status is >= 200 and < 300 or StatusCodes.Status409Conflict)
            {
                await KeepAsync(db, actor, key, status, http.Response.Headers, buffer.ToArray());
            }
            else
            {
                await ForgetAsync(db, actor, key, null);
            }
            buffer.Position = 0;
            await buffer.CopyToAsync(body, ct);
            return Results.Empty;
        }
        catch
        {
            await ForgetAsync(db, actor, key, null);
            throw;
        }
    }

    /// <summary>
    /// The request, as bound: method, path, query and the body's bound value (so JSON formatting does not count). A body the
    /// handler reads itself (a list's file) counts by its media type and bytes: it is buffered (to disk past a small size),
    /// hashed and rewound for the handler.
    /// </summary>
    private static async Task<byte[]> RequestHashAsync(EndpointFilterInvocationContext context)
    {
        var request = context.HttpContext.Request;
        var bodyType = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
        var body = context.Arguments.FirstOrDefault(a => a is not null && bodyType is not null && a.GetType() == bodyType);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        if (body is not null)
        {
            hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), JsonSerializerOptions.Web));
        }
        else if (bodyType is null && (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0))
        {
            request.EnableBuffering();
            hash.AppendData(Encoding.UTF8.GetBytes($"{request.ContentType}\n"));
            var buffer = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, context.HttpContext.RequestAborted)) > 0) hash.AppendData(buffer, 0, read);
            request.Body.Position = 0;
        }
        return hash.GetHashAndReset();
    }

    /// <summary>Takes the key for this request; false when another request holds it (with its answer, or still running).</summary>
    private static async Task<bool> TryReserveAsync(CaseDbContext db, string actor, string key, byte[] hash, DateTimeOffset now,
        CancellationToken ct)
    {
        var expired = now - Window;
        var abandoned = now - InFlightLimit;
        await db.Database.ExecuteAsync(SqlFragment.Of($"DELETE FROM idempotent_requests WHERE actor = {actor} AND created_at < {expired}"), ct);
        return await db.Database.ExecuteAsync(SqlFragment.Of($"""
            INSERT INTO idempotent_requests (actor, key, request_hash, created_at) VALUES ({actor}, {key}, {hash}, {now})
            ON CONFLICT (actor, key) DO UPDATE SET request_hash = excluded.request_hash, created_at = excluded.created_at
            WHERE idempotent_requests.status IS NULL AND idempotent_requests.created_at < {abandoned}
            """), ct) == 1;
    }

    private static async Task<object?> ReplayAsync(CaseDbContext db, string actor, string key, byte[] hash, HttpContext http, CancellationToken ct)
    {
        var kept = await db.Database.Query<KeptAnswer>(SqlFragment.Of($"""
            SELECT request_hash, status, headers::text AS headers, body FROM idempotent_requests WHERE actor = {actor} AND key = {key}
            """)).SingleOrDefaultAsync(ct);
        if (kept is null || !CryptographicOperations.FixedTimeEquals(kept.RequestHash, hash))
        {
            return ProblemResults.Of(ProblemCodes.IdempotencyKeyReused, "Idempotency-Key reused for a different request.",
                "This key was used for another request (method, path, query or body) in the last 24 hours. Use a new key for a new request.");
        }
        if (kept.Status is not { } status)
        {
            http.Response.Headers.RetryAfter = "1";
            return ProblemResults.Of(ProblemCodes.IdempotencyKeyInFlight, "A request with this Idempotency-Key is still running.",
                "Retry after Retry-After seconds: you then get its answer.");
        }
        http.Response.StatusCode = status;
        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(kept.Headers ?? "{}")!)
        {
            http.Response.Headers[name] = value;
        }
        if (kept.Body is { Length: > 0 } body) await http.Response.Body.WriteAsync(body, ct);
        return Results.Empty;
    }

    private static Task<int> KeepAsync(CaseDbContext db, string actor, string key, int status, IHeaderDictionary headers, byte[] body)
    {
        var kept = JsonSerializer.Serialize(KeptHeaders.Where(headers.ContainsKey).ToDictionary(h => h, h => headers[h].ToString()));
        // CancellationToken.None: the write happened; its answer must be kept even when the client has gone.
        return db.Database.ExecuteAsync(SqlFragment.Of($"""
            UPDATE idempotent_requests SET status = {status}, headers = {kept}::jsonb, body = {body}
            WHERE actor = {actor} AND key = {key}
            """), CancellationToken.None);
    }

    private static async Task<object?> ForgetAsync(CaseDbContext db, string actor, string key, object? result)
    {
        await db.Database.ExecuteAsync(SqlFragment.Of($"DELETE FROM idempotent_requests WHERE actor = {actor} AND key = {key}"),
            CancellationToken.None);
        return result;
    }

    private sealed record KeptAnswer(byte[] RequestHash, int? Status, string? Headers, byte[]? Body);
}
