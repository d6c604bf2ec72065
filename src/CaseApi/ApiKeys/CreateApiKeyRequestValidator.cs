using CaseApi.Infrastructure.Auth;
using FluentValidation;

namespace CaseApi.ApiKeys;

public sealed class CreateApiKeyRequestValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyRequestValidator(TimeProvider time)
    {
        // The name is the audit trail's actor, so it stays short and printable.
        RuleFor(k => k.Name).NotEmpty().MaximumLength(100)
            .Matches("^[A-Za-z0-9][A-Za-z0-9 ._@-]*$").WithMessage("'name' must be letters, digits, spaces and . _ @ - (e.g. 'dashboard-prod').");
        RuleFor(k => k.Role).NotEmpty()
            .Must(r => r is null || Policies.KeyRoles.Contains(r)).WithMessage("'role' must be reader, editor or admin.");
        RuleFor(k => k.Owner).MaximumLength(200).Must(o => o is null || !string.IsNullOrWhiteSpace(o)).WithMessage("'owner' must not be blank.");
        RuleFor(k => k.ExpiresAt).Must(e => e is null || e > time.GetUtcNow()).WithMessage("'expiresAt' must be in the future.");
    }
}
