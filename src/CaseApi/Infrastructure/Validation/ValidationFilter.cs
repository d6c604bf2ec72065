using FluentValidation;

namespace CaseApi.Infrastructure.Validation;

internal sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await RefuseInvalidAsync(context, validator) ?? await next(context);

    /// <summary>The 400 of the argument of type <typeparamref name="T"/> when its validator refuses it, else null.</summary>
    public static async ValueTask<IResult?> RefuseInvalidAsync(EndpointFilterInvocationContext context, IValidator<T> validator)
    {
        if (context.Arguments.OfType<T>().FirstOrDefault() is not { } request) return null;
        var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
        return result.IsValid ? null : result.ToProblem();
    }
}
