using System.Reflection;
using CaseApi.Imports;

namespace CaseApi.Tests.Imports;

/// <summary>Only the endpoint knows HTTP: the pipeline takes a submission and returns an outcome.</summary>
public sealed class ImportBoundaryTests
{
    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void No_import_type_but_the_endpoints_takes_keeps_or_returns_an_http_type()
    {
        var endpoints = typeof(ImportPipeline).Assembly.GetType("CaseApi.Imports.ImportEndpoints")!;
        // The HTTP face of a refused upload, shared by every endpoint that reads files through the import's readers (imports
        // and list entries): endpoint-side code, kept beside the readers so that both endpoints answer the same problem.
        var problem = typeof(ImportPipeline).Assembly.GetType("CaseApi.Imports.ImportProblem")!;
        var offending =
            from type in typeof(ImportPipeline).Assembly.GetTypes()
            where type.Namespace == typeof(ImportPipeline).Namespace && !IsOrIsNestedIn(type, endpoints) && type != problem
            from member in type.GetMembers(Everything)
            from used in Signature(member).SelectMany(Unwrap)
            where IsHttp(used)
            select $"{type.Name}.{member.Name}: {used.Name}";

        Assert.Empty(offending.Distinct());
    }

    private static bool IsOrIsNestedIn(Type type, Type outer) =>
        type == outer || (type.DeclaringType is { } declaring && IsOrIsNestedIn(declaring, outer));

    private static IEnumerable<Type> Signature(MemberInfo member) => member switch
    {
        FieldInfo f => [f.FieldType],
        PropertyInfo p => [p.PropertyType],
        MethodBase m => [.. m.GetParameters().Select(p => p.ParameterType), .. m is MethodInfo mi ? [mi.ReturnType] : Array.Empty<Type>()],
        _ => [],
    };

    private static IEnumerable<Type> Unwrap(Type type) =>
        type.HasElementType ? Unwrap(type.GetElementType()!)
        : type.IsGenericType ? [type, .. type.GetGenericArguments().SelectMany(Unwrap)]
        : [type];

    /// <summary>The request, the response, the user and the result types; the JSON options the API configures are not HTTP.</summary>
    private static bool IsHttp(Type type) =>
        type.Namespace is "Microsoft.AspNetCore.Http" or "Microsoft.AspNetCore.Http.HttpResults" or "System.Security.Claims"
        || typeof(Microsoft.AspNetCore.Http.IResult).IsAssignableFrom(type);
}
