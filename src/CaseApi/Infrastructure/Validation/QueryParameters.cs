using System.Collections.Frozen;

namespace CaseApi.Infrastructure.Validation;

public static class QueryParameters
{
    /// <summary>
    /// For an endpoint whose query string binds to <c>[AsParameters]</c> records: each record is validated (its
    /// FluentValidation validator), and a parameter that none of them declares is a 400 naming it. Reads of the store
    /// declare their records with <c>ReadsStore&lt;…&gt;</c> instead, which runs the same two checks first.
    /// </summary>
    public static RouteHandlerBuilder WithQuery<T>(this RouteHandlerBuilder builder) =>
        builder.WithKnownQueryParameters(typeof(T)).WithValidation<T>();

    /// <inheritdoc cref="WithQuery{T}"/>
    public static RouteHandlerBuilder WithQuery<T1, T2>(this RouteHandlerBuilder builder) =>
        builder.WithKnownQueryParameters(typeof(T1), typeof(T2)).WithValidation<T1>().WithValidation<T2>();

    /// <summary>
    /// The query parameters the given [AsParameters] records declare, plus consistency= (a read's consistency token),
    /// which is every read's, not one record's. The records' constructor parameters are what [AsParameters] binds.
    /// </summary>
    public static FrozenSet<string> Known(params Type[] parameterTypes) =>
        parameterTypes.SelectMany(t => t.GetConstructors().SelectMany(c => c.GetParameters())).Select(p => p.Name!)
            .Append(Store.ConsistentReads.QueryParameter).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A 400 naming every query parameter not in <paramref name="known"/>, or null: a misspelt filter (<c>sectors=</c> for
    /// <c>sector=</c>) would otherwise silently match everything.
    /// </summary>
    public static IResult? RefuseUnknown(HttpRequest request, FrozenSet<string> known)
    {
        var unknown = request.Query.Keys.Where(k => !known.Contains(k)).ToList();
        return unknown.Count == 0 ? null : ValidationExtensions.InvalidRequest(
            unknown.ToDictionary(k => k, k => new[] { $"'{k}' is not a parameter of this endpoint; see /swagger." }),
            $"Unknown query parameter(s): {string.Join(", ", unknown)}.");
    }

    private static RouteHandlerBuilder WithKnownQueryParameters(this RouteHandlerBuilder builder, params Type[] parameterTypes)
    {
        var known = Known(parameterTypes);
        return builder.AddEndpointFilter(async (context, next) => RefuseUnknown(context.HttpContext.Request, known) ?? await next(context));
    }
}
