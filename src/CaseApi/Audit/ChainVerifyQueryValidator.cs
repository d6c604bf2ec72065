using FluentValidation;

namespace CaseApi.Audit;

public sealed class ChainVerifyQueryValidator : AbstractValidator<ChainVerifyQuery>
{
    public ChainVerifyQueryValidator() =>
        RuleFor(q => q.Checkpoint).Must(c => c is null || AuditChain.TryParseCheckpoint(c, out _, out _))
            .WithMessage("'checkpoint' must be a checkpoint as published: '<position>:<64 hex digits>'.");
}
