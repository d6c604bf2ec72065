using CaseApi.History;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using CaseApi.ReferenceData;
using FluentValidation;

namespace CaseApi.Entities;

public sealed class EntityRequestValidator : AbstractValidator<EntityRequest>
{
    public const int MaxItems = 100;

    public EntityRequestValidator(ReferenceCodes referenceCodes)
    {
        RuleFor(e => e.Name).NotEmpty().MaximumLength(200).Must(n => n is null || TextOf(n))
            .WithMessage("'name' must contain a letter or digit.");
        RuleFor(e => e.Kind).NotEmpty().OneOf(EntityCodes.Kinds);
        RuleFor(e => e.Slug).MaximumLength(120).Matches(ReferenceValidation.KebabCase())
            .WithMessage("'slug' must be lowercase letters and digits in hyphen-separated words (e.g. 'kevin-mallory').")
            .Must(s => s is null || !Guid.TryParse(s, out _)).WithMessage("'slug' must not be a UUID: /entities/{id} reads a UUID as an id.")
            .Must(s => s != EntityNames.ReservedSlug).WithMessage("'slug' must not be 'export': /entities/export is the entity export.");
        RuleFor(e => e.Aliases).Must(a => a is null || a.Count <= MaxItems).WithMessage($"At most {MaxItems} aliases.");
        RuleForEach(e => e.Aliases).NotEmpty().MaximumLength(200).Must(a => a is null || TextOf(a))
            .WithMessage("An alias must contain a letter or digit.");
        RuleFor(e => e.Identifiers).Must(i => i is null || i.Count <= 20).WithMessage("At most 20 identifiers.");
        RuleForEach(e => e.Identifiers).Must(p => ReferenceValidation.IsCode(p.Key) && p.Value is { Length: > 0 and <= 200 })
            .WithMessage("An identifier's scheme is kebab-case (wikidata, company-register) and its value 1 to 200 characters.");
        RuleFor(e => e.Country).Must(c => c is null || CodeLists.Countries.Contains(c))
            .WithMessage("'{PropertyValue}' is not an ISO 3166-1 alpha-2 country code (e.g. CN, US).");
        RuleFor(e => e.Description).MaximumLength(4000);
        RuleFor(e => e.Sponsor)
            .MustAsync(async (code, ct) => code is null || (await referenceCodes.GetAsync(ct)).Sponsors.ContainsKey(code))
            .WithMessage("'{PropertyValue}' is not a sponsor code; see GET /api/v1/sponsors.");
        RuleFor(e => e.Sources).Must(s => s is null || s.Count <= MaxItems).WithMessage($"At most {MaxItems} sources.");
        RuleForEach(e => e.Sources).NotEmpty().MaximumLength(2000).Must(u => u is null || IsWebUrl(u))
            .WithMessage("A source is an absolute http or https URL.");
    }

    private static bool TextOf(string text) => text.Any(char.IsLetterOrDigit);

    private static bool IsWebUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

public sealed class EntityMergeRequestValidator : AbstractValidator<EntityMergeRequest>
{
    public EntityMergeRequestValidator() => RuleFor(m => m.Into).NotEmpty().MaximumLength(120);
}

public sealed class EntityRedactRequestValidator : AbstractValidator<EntityRedactRequest>
{
    public EntityRedactRequestValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(1000);
}

public sealed class EntityListQueryValidator : AbstractValidator<EntityListQuery>
{
    public EntityListQueryValidator()
    {
        RuleFor(q => q.Q).MaximumLength(200);
        RuleForEach(q => q.Kind).Must(k => EntityCodes.Kinds.Contains(k))
            .WithMessage($"'{{PropertyValue}}' is not one of {string.Join(", ", EntityCodes.Kinds)}.");
        RuleFor(q => q.Limit).PageLimit();
        RuleFor(q => q.Cursor).PageCursorOf<EntityListQuery, EntityCursor>();
        this.AsOfRules(q => q.AsOf, q => q.Release);
    }
}

public sealed class EntityCasesQueryValidator : AbstractValidator<EntityCasesQuery>
{
    public EntityCasesQueryValidator()
    {
        RuleFor(q => q.Limit).PageLimit();
        RuleFor(q => q.Cursor).PageCursorOf<EntityCasesQuery, EntityCaseCursor>();
        this.AsOfRules(q => q.AsOf, q => q.Release);
    }
}
