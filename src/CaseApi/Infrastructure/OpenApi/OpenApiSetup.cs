using System.Reflection;

namespace CaseApi.Infrastructure.OpenApi;

public static class OpenApiSetup
{
    /// <summary>
    /// True inside the build-time document generator (Microsoft.Extensions.ApiDescription.Server runs Program's entry
    /// point under GetDocument.Insider to read the endpoints). There is no database there, and nothing may need one.
    /// </summary>
    public static bool IsGeneratingDocument { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary>
    /// The OpenAPI document and Swagger UI, anonymous. On unless the environment is Production, where OpenApi:Enabled
    /// turns them on: the document maps every route for whoever reads it.
    /// </summary>
    public static WebApplication MapCaseApiDocs(this WebApplication app)
    {
        if (!app.Configuration.GetValue("OpenApi:Enabled", !app.Environment.IsProduction())) return app;
        app.MapOpenApi().AllowAnonymous();
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/openapi/v1.json", "CaseApi v1");
            // The contract's server is an absolute example (generators need one): "Try it out" goes to the serving host.
            ui.UseRequestInterceptor("(request) => { request.url = request.url.replace("
                + $"'{ContractDocumentTransformer.ExampleOrigin}', window.location.origin); return request; }}");
        });
        return app;
    }

    /// <summary>The published contract: /openapi/v1.json with the metadata every operation must carry.</summary>
    public static IServiceCollection AddCaseApiOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.CreateSchemaReferenceId = SchemaNames.For;
            o.AddDocumentTransformer<ContractDocumentTransformer>();
            o.AddOperationTransformer<ContractOperationTransformer>();
            o.AddSchemaTransformer<ValidatorSchemaTransformer>();
        });
}
