using System.Collections.Frozen;

namespace CaseApi.Infrastructure.Validation;

public static class QueryParameters
{
    /// <summary>
    /// For an endpoint whose query string binds to <c>[AsParameters]</c> records: each record is validated (its
    /// FluentValidation validator), and a parameter that none of them declares is a 400 naming it.
    /// </summary>
    public static RouteHandlerBuilder WithQuery<T>(this RouteHandlerBuilder builder) =>
        builder.WithKnownQueryParameters(typeof(T)).WithValidation<T>();

    /// <inheritdoc cref="WithQuery{T}"/>
    public static RouteHandlerBuilder WithQuery<T1, T2>(this RouteHandlerBuilder builder) =>
        builder.WithKnownQueryParameters(typeof(T1), typeof(T2)).WithValidation<T1>().WithValidation<T2>();

    /// <summary>
    /// Answers 400 naming any query parameter that none of the given [AsParameters] types declares: a misspelt filter
    /// (<c>sectors=</c> for <c>sector=</c>) would otherwise silently match everything.
    /// </summary>
    private static RouteHandlerBuilder WithKnownQueryParameters(this RouteHandlerBuilder builder, params Type[] parameterTypes)
    {
        // The records' constructor parameters are what [AsParameters] binds; computed properties are not parameters.
        // consistency= (a read's consistency token) is every read's, not one record's.
        var known = parameterTypes.SelectMany(t => t.GetConstructors().SelectMany(c => c.GetParameters())).Select(p => p.Name!)
            .Append(Store.ConsistentReads.QueryParameter).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var unknown = context.HttpContext.Request.Query.Keys.Where(k => !known.Contains(k)).ToList();
            if (unknown.Count == 0) return await next(context);
            return ValidationExtensions.InvalidRequest(
                unknown.ToDictionary(k => k, k => new[] { $"'{k}' is not a parameter of this endpoint; see /swagger." }),
                $"Unknown query parameter(s): {string.Join(", ", unknown)}.");
        });
    }
}
