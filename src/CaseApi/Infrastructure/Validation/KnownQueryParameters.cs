using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.Validation;

public static class KnownQueryParameters
{
    /// <summary>
    /// Answers 400 naming any query parameter that none of the given [AsParameters] types (nor <paramref name="extra"/>)
    /// declares: a misspelt filter (<c>sectors=</c> for <c>sector=</c>) would otherwise silently match everything.
    /// </summary>
    public static RouteHandlerBuilder WithKnownQueryParameters(this RouteHandlerBuilder builder, Type[] parameterTypes, params string[] extra)
    {
        // The records' constructor parameters are what [AsParameters] binds; computed properties are not parameters.
        var known = parameterTypes.SelectMany(t => t.GetConstructors().SelectMany(c => c.GetParameters())).Select(p => p.Name!).Concat(extra)
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var unknown = context.HttpContext.Request.Query.Keys.Where(k => !known.Contains(k)).ToList();
            if (unknown.Count == 0) return await next(context);
            return TypedResults.ValidationProblem(
                unknown.ToDictionary(k => k, k => new[] { $"'{k}' is not a parameter of this endpoint; see /swagger." }),
                title: "The request is invalid.", detail: $"Unknown query parameter(s): {string.Join(", ", unknown)}.");
        }).ProducesValidationProblem()
        // [AsParameters] records bind case-insensitively but would publish their PascalCase names; the contract is camelCase.
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query) ?? [])
            {
                parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
            }
            return Task.CompletedTask;
        });
    }
}
