using System.Text.Json.Serialization.Metadata;
using CaseApi.Infrastructure.Validation;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// Request records are all-nullable on purpose (a missing field is a validation error naming it, not a binding
/// failure), so the generator would call every field required and nullable. The validator is the single source of
/// truth: a property is required, and not null, exactly when its validator demands it unconditionally.
/// </summary>
internal sealed class ValidatorSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var typeInfo = context.JsonTypeInfo;
        if (typeInfo.Kind != JsonTypeInfoKind.Object || schema.Properties is null) return Task.CompletedTask;

        using var scope = context.ApplicationServices.CreateScope();
        if (scope.ServiceProvider.GetService(typeof(IValidator<>).MakeGenericType(typeInfo.Type)) is not IValidator validator)
        {
            return Task.CompletedTask;
        }

        var descriptor = validator.CreateDescriptor();
        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in typeInfo.Properties)
        {
            if (!Demands(descriptor, property.Name)) continue;
            required.Add(property.Name);
            if (schema.Properties.TryGetValue(property.Name, out var propertySchema) && propertySchema is OpenApiSchema inline)
            {
                inline.Type &= ~JsonSchemaType.Null;
            }
        }
        schema.Required = required;
        return Task.CompletedTask;
    }

    /// <summary>
    /// True when the validator demands the member unconditionally. Rules are keyed by JSON name (ValidationExtensions
    /// resolves property names to camelCase); RuleForEach rules constrain the items, not the presence of the list.
    /// </summary>
    public static bool Demands(IValidatorDescriptor descriptor, string member) =>
        descriptor.GetRulesForMember(member)
            .Where(rule => !rule.HasCondition && !rule.HasAsyncCondition && !IsCollectionRule(rule))
            .SelectMany(rule => rule.Components)
            .Any(c => c.Validator is INotNullValidator or INotEmptyValidator && !c.HasCondition && !c.HasAsyncCondition);

    /// <summary>The closed list of values the validator admits for the member (ClosedValues.OneOf or EachOneOf), or null.</summary>
    public static IClosedValues? ClosedValues(IValidatorDescriptor descriptor, string member) =>
        descriptor.GetRulesForMember(member)
            .Where(rule => !IsCollectionRule(rule))
            .SelectMany(rule => rule.Components)
            .Select(c => c.Validator).OfType<IClosedValues>().FirstOrDefault();

    private static bool IsCollectionRule(IValidationRule rule) =>
        rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));
}
