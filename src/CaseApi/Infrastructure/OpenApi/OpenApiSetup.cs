using System.Reflection;

namespace CaseApi.Infrastructure.OpenApi;

public static class OpenApiSetup
{
    /// <summary>
    /// True inside the build-time document generator (Microsoft.Extensions.ApiDescription.Server runs Program's entry
    /// point under GetDocument.Insider to read the endpoints). There is no database there, and nothing may need one.
    /// </summary>
    public static bool IsGeneratingDocument { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary>The published contract: /openapi/v1.json with the metadata every operation must carry.</summary>
    public static IServiceCollection AddCaseApiOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<ContractDocumentTransformer>();
            o.AddOperationTransformer<ContractOperationTransformer>();
            o.AddSchemaTransformer<ValidatorSchemaTransformer>();
        });
}
