using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// What every operation of the contract carries, whoever wrote the endpoint: an operationId, a summary, a
/// description naming the role it needs, a tag, a request example, and the problem responses that can happen to it
/// (an endpoint's own .ProducesProblem(...) calls stay; this only adds those implied by its shape).
/// </summary>
internal sealed class ContractOperationTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var api = context.Description;
        var metadata = api.ActionDescriptor.EndpointMetadata;

        var handler = metadata.OfType<MethodInfo>().FirstOrDefault();
        var (summary, remarks) = handler is null ? default : HandlerDocs.For(handler);
        // WithName(nameof(Handler)) sets the operationId; the handler's own name is the same convention.
        operation.OperationId ??= handler?.Name;
        operation.Summary ??= summary ?? $"{api.HttpMethod} /{api.RelativePath}";
        operation.Description ??= remarks is null ? operation.Summary : $"{operation.Summary} {remarks}";
        if (operation.Tags is not { Count: > 0 })
        {
            var tag = api.RelativePath?.Split('/').Skip(2).FirstOrDefault() ?? "Other";
            operation.Tags = new HashSet<OpenApiTagReference> { new(tag, context.Document) };
        }

        var role = metadata.OfType<IAuthorizeData>().LastOrDefault(a => a.Policy is not null)?.Policy;
        var needs = $"Needs an API key with the `{role}` role or a higher one.";
        if (role is not null && !operation.Description.Contains(needs, StringComparison.Ordinal)) operation.Description += $"\n\n{needs}";

        var problems = new SortedSet<int>();
        if (role is not null) problems.UnionWith([StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests]);
        if (api.ParameterDescriptions.Any(p => p.Source == BindingSource.Query)) problems.Add(StatusCodes.Status400BadRequest);
        if (api.ParameterDescriptions.Any(p => p.Source == BindingSource.Path)) problems.Add(StatusCodes.Status404NotFound);
        if (operation.RequestBody is not null)
        {
            problems.UnionWith([StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType]);
        }

        operation.Responses ??= [];
        foreach (var status in problems)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key)) continue;
            var schema = status == StatusCodes.Status400BadRequest ? "HttpValidationProblemDetails" : "ProblemDetails";
            operation.Responses[key] = new OpenApiResponse
            {
                Description = ReasonPhrases.GetReasonPhrase(status),
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, context.Document) },
                },
            };
        }
        // The problem schemas must exist in components even when no endpoint declared them itself.
        await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, cancellationToken);
        await context.GetOrCreateSchemaAsync(typeof(HttpValidationProblemDetails), null, cancellationToken);

        // Preconditions are read from HttpContext by the handlers, so the generator cannot see them; declaring them
        // lets typed clients send them (If-Match is required wherever its absence is a 428).
        operation.Parameters ??= [];
        if (operation.Responses.ContainsKey("428")) AddHeader(operation, "If-Match", required: true, "The ETag of the version being changed; a stale one is 412.");
        if (operation.Responses.ContainsKey("304")) AddHeader(operation, "If-None-Match", required: false, "An ETag already held; the same current version answers 304.");
        // [AsParameters] records bind case-insensitively but publish their PascalCase names; the contract is camelCase.
        // Renamed first, so the examples below find them by their published names.
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query && p.Name is not null))
        {
            parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
        }
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.Example is null && p.Name is not null))
        {
            parameter.Example = RequestExamples.ForParameter(parameter.Name!, parameter.Schema);
        }

        var bodyType = api.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body)?.Type;
        foreach (var (mediaType, media) in operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
        {
            media.Example ??= RequestExamples.For(mediaType, bodyType);
        }
    }

    private static void AddHeader(OpenApiOperation operation, string name, bool required, string description)
    {
        if (operation.Parameters!.Any(p => p.In == ParameterLocation.Header && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))) return;
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = name, In = ParameterLocation.Header, Required = required, Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = "\"3f1a9c\"",
        });
    }
}
