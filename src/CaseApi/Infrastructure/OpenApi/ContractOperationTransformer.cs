using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Infrastructure.Validation;
using CaseApi.Store;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// What every operation of the contract carries, whoever wrote the endpoint: an operationId, the handler's summary,
/// a description naming the role it needs, a tag, its problem responses with their headers, and examples that are
/// safe to run in Swagger UI.
/// Problem statuses have one source each. Those implied by the endpoint's shape are inferred here and nowhere else:
/// 401/403 from its policy, 429 and 503 for every operation (rate limits, database trouble), 400 from query
/// parameters or a body, 413/415 from a body, 404 from a path parameter. What only the handler knows (409, 412, 428,
/// 422, a 400 for a path parameter) the endpoint declares with .ProducesProblem.
/// </summary>
internal sealed class ContractOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var api = context.Description;
        var metadata = api.ActionDescriptor.EndpointMetadata;
        var handler = metadata.OfType<MethodInfo>().FirstOrDefault();
        var role = metadata.OfType<IAuthorizeData>().LastOrDefault(a => a.Policy is not null)?.Policy;

        Describe(operation, context, handler, role);
        operation.Responses ??= [];
        // Store-wide reads answer If-None-Match with 304 (Http.StoreReads); declared here, it also declares the header.
        if (metadata.OfType<StoreRead>().Any(r => r.StoreWide)) operation.Responses.TryAdd("304", new OpenApiResponse());
        foreach (var status in ImpliedProblems(api, operation, role, metadata))
        {
            operation.Responses.TryAdd(status.ToString(CultureInfo.InvariantCulture), new OpenApiResponse());
        }
        foreach (var (key, response) in operation.Responses)
        {
            if (response is OpenApiResponse concrete) Render(int.Parse(key, CultureInfo.InvariantCulture), concrete, api, handler, context.Document!);
        }
        DescribeParameters(operation, api, handler, context.ApplicationServices, context.Document!);
        return Task.CompletedTask;
    }

    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, MethodInfo? handler, string? role)
    {
        var api = context.Description;
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
        var needs = $"Needs an API key with the `{role}` role or a higher one.";
        if (role is not null && !operation.Description.Contains(needs, StringComparison.Ordinal)) operation.Description += $"\n\n{needs}";
    }

    private static SortedSet<int> ImpliedProblems(ApiDescription api, OpenApiOperation operation, string? role, IList<object> metadata)
    {
        // Every request passes the rate limiter, and every operation reads or writes the database.
        var problems = new SortedSet<int> { StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable };
        if (role is not null) problems.Add(StatusCodes.Status401Unauthorized);
        // Every key has at least the lowest role, so only operations that need more can be forbidden.
        if (role is not null && role != Auth.Policies.Roles[0]) problems.Add(StatusCodes.Status403Forbidden);
        if (api.ParameterDescriptions.Any(p => p.Source == BindingSource.Query)) problems.Add(StatusCodes.Status400BadRequest);
        // An upsert (a PUT that can answer 201) creates what is missing instead of answering 404.
        if (api.ParameterDescriptions.Any(p => p.Source == BindingSource.Path) && operation.Responses?.ContainsKey("201") != true)
        {
            problems.Add(StatusCodes.Status404NotFound);
        }
        // A body declared by the endpoint's own transformer (it runs after this one) comes with a request size limit.
        if (operation.RequestBody is not null || metadata.OfType<IRequestSizeLimitMetadata>().Any())
        {
            problems.UnionWith([StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType]);
        }
        return problems;
    }

    /// <summary>Error responses get the problem schema (unless the endpoint declared another body); every response gets its headers.</summary>
    private static void Render(int status, OpenApiResponse response, ApiDescription api, MethodInfo? handler, OpenApiDocument document)
    {
        var declaredBody = response.Content?.Keys.Any(k => k != ProblemContract.MediaType) == true;
        if (status >= 400 && !declaredBody)
        {
            response.Content = ProblemContract.Content(document);
            response.Description = ReasonPhrases.GetReasonPhrase(status);
        }
        else if (status >= 400)
        {
            // An error with a body of its own (an import's rejection report) may still be a problem for another cause.
            foreach (var (mediaType, media) in ProblemContract.Content(document)) response.Content!.TryAdd(mediaType, media);
        }
        else if (string.IsNullOrEmpty(response.Description))
        {
            response.Description = ReasonPhrases.GetReasonPhrase(status);
        }

        // Every operation is governed by the rate limiter (only the health probes, outside the contract, are not).
        var headers = new List<string> { ProblemContract.RequestIdHeader, ProblemContract.RateLimitPolicyHeader, ProblemContract.RateLimitHeader };
        if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable) headers.Add(ProblemContract.RetryAfterHeader);
        if (status == StatusCodes.Status401Unauthorized) headers.Add(ProblemContract.WwwAuthenticateHeader);
        if (status == StatusCodes.Status201Created) headers.Add(ProblemContract.LocationHeader);
        // Versioned resources (their representation has a version) carry it as a strong ETag, also on 304.
        if (status is 200 or 201 or 304 && HasVersion(api)) headers.Add(ProblemContract.ETagHeader);
        if (status == StatusCodes.Status200OK && api.ParameterDescriptions.Any(p => p.Name.Equals("cursor", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(ProblemContract.LinkHeader);
        }
        if (status == StatusCodes.Status200OK && ReturnsFile(handler)) headers.Add(ProblemContract.ContentDispositionHeader);
        if (status is >= 200 and < 300 && !HttpMethods.IsGet(api.HttpMethod ?? "GET")) headers.Add(ProblemContract.ConsistencyTokenHeader);
        // The store-wide tag hashes Accept (ETags.ForStore), and the export's body follows it: caches must key on it.
        if (status is 200 or 304 && IsStoreWide(api)) headers.Add(ProblemContract.VaryHeader);
        if (status is 200 or 304 && api.ActionDescriptor.EndpointMetadata.OfType<Store.StoreRead>().Any(r => r.StoreWide || r.HistoryViews))
        {
            headers.Add(ProblemContract.FeedPositionHeader);
        }
        response.Headers = headers.ToDictionary(h => h, h => ProblemContract.HeaderReference(h, document));
        // A stale If-Match is answered with the current tag (ETags.PreconditionFailed), so recovering costs no GET.
        if (status == StatusCodes.Status412PreconditionFailed)
        {
            response.Headers[ProblemContract.ETagHeader] = ProblemContract.HeaderReference(ProblemContract.CurrentETag, document);
        }
    }

    /// <summary>True when the handler can return a file result (a download with a file name), alone or in a Results union.</summary>
    private static bool ReturnsFile(MethodInfo? handler)
    {
        var types = new Stack<Type>(handler is null ? [] : [handler.ReturnType]);
        while (types.TryPop(out var type))
        {
            if (typeof(IFileHttpResult).IsAssignableFrom(type)) return true;
            foreach (var argument in type.GenericTypeArguments) types.Push(argument);
        }
        return false;
    }

    // An answer that may be a 304 carries the tag If-None-Match is compared with (the change feed's, made of its cursor).
    private static bool HasVersion(ApiDescription api) =>
        api.SupportedResponseTypes.Any(r => r.StatusCode is 200 or 201 && r.Type?.GetProperty("Version") is not null)
        || IsStoreWide(api) || api.SupportedResponseTypes.Any(r => r.StatusCode == StatusCodes.Status304NotModified);

    private static bool IsStoreWide(ApiDescription api) =>
        api.ActionDescriptor.EndpointMetadata.OfType<Store.StoreRead>().Any(read => read.StoreWide);

    private static void DescribeParameters(
        OpenApiOperation operation, ApiDescription api, MethodInfo? handler, IServiceProvider services, OpenApiDocument document)
    {
        // Preconditions are read from HttpContext by the handlers, so the generator cannot see them; declaring them
        // lets typed clients send them (If-Match is required wherever its absence is a 428).
        operation.Parameters ??= [];
        if (operation.Responses!.ContainsKey("428"))
        {
            AddHeader(operation, "If-Match", required: true, "The ETag of the version being changed; a stale one is 412.");
        }
        if (operation.Responses.ContainsKey("304"))
        {
            AddHeader(operation, "If-None-Match", required: false, "An ETag already held; the same current version answers 304.");
        }
        // Reads a standby may serve accept a write's consistency token, as a header or (for links and browsers) in the query.
        if (api.ActionDescriptor.EndpointMetadata.OfType<Store.StoreRead>().Any(read => read.Route == Store.StoreRoute.Replica))
        {
            const string token = "The X-Consistency-Token of an earlier write: the read then sees that write (it waits briefly for the standby, else "
                + "the primary serves it).";
            AddHeader(operation, ProblemContract.ConsistencyTokenHeader, required: false, token, "0/16B3740");
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Store.ConsistentReads.QueryParameter, In = ParameterLocation.Query, Description = $"{token} The same as the header.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$" }, Example = "0/16B3740",
            });
        }

        var validators = QueryValidators(handler, services);
        var write = !HttpMethods.IsGet(api.HttpMethod ?? "GET");
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.Name is not null))
        {
            // [AsParameters] records bind case-insensitively but publish their PascalCase names; the contract is camelCase.
            if (parameter.In == ParameterLocation.Query) parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
            if (parameter.In == ParameterLocation.Query && validators.Any(v => ValidatorSchemaTransformer.Demands(v, parameter.Name!)))
            {
                parameter.Required = true;
            }
            parameter.Example ??= RequestExamples.ForParameter(
                api.RelativePath ?? "", parameter.Name!, parameter.Schema, parameter.In, parameter.Required, write);
            if (parameter.In == ParameterLocation.Query) DeclareClosedValues(parameter, validators, document);
        }

        var bodyType = api.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body)?.Type;
        foreach (var (mediaType, media) in operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
        {
            media.Example ??= RequestExamples.For(mediaType, bodyType);
            if (mediaType.EndsWith("merge-patch+json", StringComparison.Ordinal) && media.Schema is OpenApiSchema { Description: null } patch)
            {
                patch.Description = "A JSON Merge Patch (RFC 7396): the members to change, with their new values; null removes an optional member.";
            }
        }
    }

    /// <summary>
    /// A closed list of values in the validator (ClosedValues.OneOf) is the parameter's enum: one declaration, so the
    /// contract and the check never drift apart, and typed clients get an enum instead of a free string. A list parameter
    /// (an array, or a comma-separated list of closed values, ClosedValues.EachOneOf) is an array, of the enum when its
    /// values are closed, sent comma-separated: <c>style: form, explode: false</c> makes generators send
    /// <c>sector=aerospace,space</c>, as the documentation writes it. Repeating the parameter is accepted as before.
    /// </summary>
    private static void DeclareClosedValues(OpenApiParameter parameter, List<IValidatorDescriptor> validators, OpenApiDocument document)
    {
        var closed = validators.Select(v => ValidatorSchemaTransformer.ClosedValues(v, parameter.Name!)).FirstOrDefault(v => v is not null);
        if (parameter.Schema is not OpenApiSchema schema) return;
        if (closed is IClosedValueList || schema.Type?.HasFlag(JsonSchemaType.Array) == true)
        {
            DeclareList(parameter, schema, closed as IClosedValueList, document);
            return;
        }
        if (closed is null) return;
        schema.Enum = [.. closed.Values.Select(v => (JsonNode)JsonValue.Create(v))];
        if (parameter.Example is JsonValue example && !closed.Values.Contains(example.ToString(), StringComparer.Ordinal))
        {
            parameter.Example = JsonValue.Create(closed.Values[0]);
        }
    }

    private static void DeclareList(OpenApiParameter parameter, OpenApiSchema schema, IClosedValueList? closed, OpenApiDocument document)
    {
        var items = schema.Items ?? new OpenApiSchema { Type = JsonSchemaType.String };
        if (closed is not null)
        {
            // A named enum: generators name its type after it (an inline one is NSwag's "Anonymous3").
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[closed.SchemaName] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, Enum = [.. closed.Values.Select(v => (JsonNode)JsonValue.Create(v))],
            };
            items = new OpenApiSchemaReference(closed.SchemaName, document);
        }
        parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = items, Description = schema.Description };
        // A required list stays repeated (explode), which the service reads the same: NSwag 14.8 builds a required
        // comma-separated array in the method's scope and each optional one in a block, under one local name (CS0136).
        if (!parameter.Required)
        {
            parameter.Style = ParameterStyle.Form;
            parameter.Explode = false;
        }
        // An example written as the wire has it ("a,b") is the array of its values.
        if (parameter.Example is JsonNode example)
        {
            var written = example is JsonArray array ? array.Select(v => v?.ToString() ?? "") : [example.ToString()];
            parameter.Example = new JsonArray([.. written.SelectMany(v => v.Split(',')).Select(v => (JsonNode)JsonValue.Create(v))]);
        }
    }

    /// <summary>The validators of the handler's [AsParameters] records: a query parameter they demand is required.</summary>
    private static List<IValidatorDescriptor> QueryValidators(MethodInfo? handler, IServiceProvider services)
    {
        if (handler is null) return [];
        using var scope = services.CreateScope();
        return [.. handler.GetParameters()
            .Where(p => p.GetCustomAttribute<AsParametersAttribute>() is not null)
            .Select(p => scope.ServiceProvider.GetService(typeof(IValidator<>).MakeGenericType(p.ParameterType)))
            .OfType<IValidator>()
            .Select(v => v.CreateDescriptor())];
    }

    private static void AddHeader(OpenApiOperation operation, string name, bool required, string description, string example = "\"3f1a9c\"")
    {
        if (operation.Parameters!.Any(p => p.In == ParameterLocation.Header && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = name, In = ParameterLocation.Header, Required = required, Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = example,
        });
    }
}
