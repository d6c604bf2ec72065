using System.Collections.Frozen;
using System.Globalization;
using CaseApi.Infrastructure.Validation;
using CaseApi.Store;
using FluentValidation;
using Microsoft.Net.Http.Headers;

namespace CaseApi.Infrastructure.Http;

/// <summary>
/// Declares how an endpoint reads the store (<see cref="StoreRead"/>) and runs everything a read needs before its handler,
/// in one place and one fixed order: unknown query parameters and the query records' validators (400), the consistency
/// token (400), the read point — route, asOf or release, store version — resolved once (404 for an unknown release, 400
/// for a point the store has not reached), then, for reads over the whole store, the conditional request (304) and the
/// response cache. The handler receives the resolved <see cref="StoreSnapshot"/> as its parameter.
/// </summary>
public static class StoreReads
{
    /// <summary>The response header of a list, export or read of the past that names the feed position it reflects.</summary>
    public const string FeedPositionHeader = "Feed-Position";

    /// <summary>A read with no query record of its own.</summary>
    public static RouteHandlerBuilder ReadsStore(this RouteHandlerBuilder builder, StoreRead read, bool cached = false) =>
        builder.ReadsStore(read, cached, []);

    /// <summary>A read whose query string binds to the [AsParameters] record <typeparamref name="TQuery"/>.</summary>
    public static RouteHandlerBuilder ReadsStore<TQuery>(this RouteHandlerBuilder builder, StoreRead read, bool cached = false) =>
        builder.ReadsStore(read, cached, [QueryRecord.Of<TQuery>()]);

    /// <summary>A read whose query string binds to two [AsParameters] records (the case filter and the endpoint's own).</summary>
    public static RouteHandlerBuilder ReadsStore<T1, T2>(this RouteHandlerBuilder builder, StoreRead read, bool cached = false) =>
        builder.ReadsStore(read, cached, [QueryRecord.Of<T1>(), QueryRecord.Of<T2>()]);

    private sealed record QueryRecord(Type Type, Func<EndpointFilterInvocationContext, ValueTask<IResult?>> RefuseInvalid)
    {
        public static QueryRecord Of<T>() => new(typeof(T), context =>
            ValidationFilter<T>.RefuseInvalidAsync(context, context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>()));
    }

    private static RouteHandlerBuilder ReadsStore(this RouteHandlerBuilder builder, StoreRead read, bool cached, QueryRecord[] queries)
    {
        var known = QueryParameters.Known([.. queries.Select(q => q.Type)]);
        builder.WithMetadata(read);
        if (read.HistoryViews)
        {
            // An unknown release; and a read of the past is bulk work (StoreRead.IsBulk decides per request).
            builder.ProducesProblem(StatusCodes.Status404NotFound).RequireRateLimiting(RateLimitPolicies.Bulk);
        }
        return builder.AddEndpointFilter((context, next) => ReadAsync(context, next, read, cached, known, queries));
    }

    private static async ValueTask<object?> ReadAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next,
        StoreRead read, bool cached, FrozenSet<string> known, QueryRecord[] queries)
    {
        var http = context.HttpContext;
        if (QueryParameters.RefuseUnknown(http.Request, known) is { } unknown) return unknown;
        foreach (var query in queries)
        {
            if (await query.RefuseInvalid(context) is { } invalid) return invalid;
        }
        if (!ConsistentReads.TryReadToken(http.Request, out var token))
        {
            return ValidationExtensions.InvalidRequest(new Dictionary<string, string[]>
            {
                [ConsistentReads.QueryParameter] =
                    [$"A consistency token is the {ConsistentReads.HeaderName} header of a write's response, e.g. 0/16B3740."],
            }, "The consistency token is not valid.");
        }

        var (snapshot, refusal) = await http.RequestServices.GetRequiredService<StoreSnapshots>().ResolveAsync(
            read, http.Request.Query[ReadPoints.AsOfParameter], http.Request.Query[ReadPoints.ReleaseParameter], token, http.RequestAborted);
        if (refusal is not null) return Refuse(refusal);
        var at = context.Arguments.IndexOf(StoreSnapshot.Pending);
        if (at >= 0) context.Arguments[at] = snapshot;
        // The feed position the answer reflects (at least): a mirror loads a list or export, then follows /changes?after= it.
        if ((snapshot!.View.Position ?? snapshot.Version) is { } position)
        {
            http.Response.OnStarting(() =>
            {
                if (http.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status304NotModified)
                {
                    http.Response.Headers[FeedPositionHeader] = position.ToString(CultureInfo.InvariantCulture);
                }
                return Task.CompletedTask;
            });
        }
        if (!read.StoreWide) return await next(context);

        // The tag hashes Accept, and an export's body follows it: every answer of a store-wide read varies by it.
        http.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        var tag = ETags.ForStore(snapshot!, http.Request);
        if (ETags.IsNotModified(http.Request, tag))
        {
            http.Response.Headers.ETag = tag;
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        http.Response.OnStarting(() =>
        {
            if (http.Response.StatusCode == StatusCodes.Status200OK) http.Response.Headers.ETag = tag;
            return Task.CompletedTask;
        });
        return cached
            ? await http.RequestServices.GetRequiredService<StoreVersionCache>().AnswerAsync(context, next, tag, snapshot!.View.Position is not null)
            : await next(context);
    }

    private static IResult Refuse(ReadRefusal refusal) => refusal.NotFound
        ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Release not found.", detail: refusal.Message)
        : ValidationExtensions.InvalidRequest(new Dictionary<string, string[]> { [ReadPoints.AsOfParameter] = [refusal.Message] }, refusal.Message);
}
