using Microsoft.AspNetCore.Http.HttpResults;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;

namespace CaseApi.Infrastructure.Validation;

public static class ValidationExtensions
{
    public static RouteHandlerBuilder WithValidation<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>();

    public static ValidationProblem ToProblem(this ValidationResult result) =>
        InvalidRequest(result.ToDictionary(), $"{result.Errors.Count} field error(s); see 'errors', keyed by JSON path.");

    /// <summary>The 400 of every invalid request: errors keyed by JSON path or query parameter, one title throughout.</summary>
    public static ValidationProblem InvalidRequest(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, title: "The request is invalid.", detail: detail);

    /// <summary>
    /// Error keys are JSON paths ("sources[0].url"), not C# member paths ("Sources[0].Url"), for every validator
    /// in the assembly and its tests; a module initializer sets this before any validator runs.
    /// </summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Application assembly: one global FluentValidation setting.")]
    internal static void UseJsonPropertyNames()
    {
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
            member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) =>
            member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
    }
}
