using System.Linq.Expressions;
using CaseApi.ReferenceData;
using FluentValidation;

namespace CaseApi.Cases;

/// <summary>
/// Every rule of docs/design.md for a written case. The single source of truth: the case endpoints, merge patch,
/// the sample loader and bulk import all validate through this class.
/// </summary>
public sealed class CaseRequestValidator : AbstractValidator<CaseRequest>
{
    public const int MaxListItems = 100;

    public CaseRequestValidator(ReferenceCodes referenceCodes, TimeProvider time)
    {
        RuleFor(c => c.Slug).NotEmpty().Length(3, 120)
            .Matches(ReferenceValidation.KebabCase()).WithMessage("'slug' must be lowercase letters and digits in hyphen-separated words (e.g. " +
                "'kevin-mallory').")
            // GET /cases/export is the export, so a case with that slug could never be read by its slug.
            .NotEqual("export").WithMessage("'export' is reserved (GET /api/v1/cases/export is the export); choose another slug.")
            // /cases/{id} reads a UUID as an id: a slug shaped like one could never be read by its slug, and could pass for another case.
            .Must(slug => slug is null || !Guid.TryParse(slug, out _))
            .WithMessage("'slug' must not be a UUID: /api/v1/cases/{id} reads a UUID as a case's id; choose words (e.g. 'kevin-mallory').");
        RuleFor(c => c.Title).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Summary).MaximumLength(4000);

        RuleFor(c => c.ActivityTypes).NotEmpty().WithMessage("'activityTypes' needs at least one code.");
        Codes(c => c.ActivityTypes, "activity type", code => CodeLists.ActivityTypes.ContainsKey(code));
        Codes(c => c.Tradecraft, "tradecraft", CodeLists.Tradecraft.Contains);
        RuleFor(c => c.Sponsor)
            .MustAsync(async (code, ct) => code is null || (await referenceCodes.GetAsync(ct)).Sponsors.ContainsKey(code))
            .WithMessage("'{PropertyValue}' is not a sponsor code; see GET /api/v1/sponsors.");
        RuleFor(c => c.SponsorConfidence).Must(v => v is null || CodeLists.SponsorConfidence.Contains(v))
            .WithMessage("'{PropertyValue}' is not a sponsor confidence; use alleged, confirmed or assessed.");
        RuleFor(c => c.CollectorType).NotEmpty()
            .Must(v => v is null || CodeLists.CollectorTypes.Contains(v))
            .WithMessage("'{PropertyValue}' is not a collector type; see GET /api/v1/code-lists.");
        RuleFor(c => c.CollectorCitizenship).Must(v => v is null || CodeLists.Countries.Contains(v))
            .WithMessage("'{PropertyValue}' is not an ISO 3166-1 alpha-2 country code (e.g. CN, US).");
        Texts(c => c.Defendants, 200);

        RuleFor(c => c.Sectors).NotEmpty().WithMessage("'sectors' needs at least one code.");
        CodesAsync(c => c.Sectors, "sector", "/api/v1/sectors", (s, code) => s.Sectors.Contains(code), referenceCodes);
        Codes(c => c.VictimTypes, "victim type", CodeLists.VictimTypes.Contains);
        Texts(c => c.Victims, 200);
        Texts(c => c.CollectorEmployers, 200);
        Texts(c => c.SponsoringUnits, 200);
        Codes(c => c.UsStates, "USPS state or territory code", CodeLists.UsStates.Contains);
        RuleFor(c => c.Venue).MaximumLength(100);

        var today = () => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        Date(c => c.ActivityStart, today);
        Date(c => c.ActivityEnd, today);
        Date(c => c.ChargedOn, today);
        Date(c => c.ResolvedOn, today);
        RuleFor(c => c.ActivityEnd).Must((c, end) => NotBefore(end, c.ActivityStart))
            .WithMessage("'activityEnd' must not be before 'activityStart'.");
        RuleFor(c => c.ResolvedOn).Must((c, resolved) => NotBefore(resolved, c.ChargedOn))
            .WithMessage("'resolvedOn' must not be before 'chargedOn'.");

        RuleFor(c => c.Outcome).NotEmpty()
            .Must(v => v is null || CodeLists.Outcomes.Contains(v))
            .WithMessage("'{PropertyValue}' is not an outcome; see GET /api/v1/code-lists.");
        RuleFor(c => c.SentenceMonths).InclusiveBetween(0, 1200);
        // Money has no upper bound in the design; a quadrillion dollars keeps numeric input sane.
        RuleFor(c => c.FineUsd).InclusiveBetween(0m, 1e15m);
        RuleFor(c => c.LossUsd).InclusiveBetween(0m, 1e15m);

        RuleFor(c => c.Sources).Must(s => s is null || s.Count <= MaxListItems).WithMessage($"At most {MaxListItems} sources.");
        RuleForEach(c => c.Sources).NotNull().ChildRules(source =>
        {
            source.RuleFor(s => s!.Url).NotEmpty().MaximumLength(2000)
                .Must(url => url is null || IsWebUrl(url))
                .WithMessage("'url' must be an absolute http or https URL.");
            source.RuleFor(s => s!.Title).MaximumLength(500);
            source.RuleFor(s => s!.Publisher).MaximumLength(200);
            source.RuleFor(s => s!.PublishedOn).Must(d => d is null || PartialDate.TryParse(d, out _))
                .WithMessage("'publishedOn' must be a date as YYYY, YYYY-MM or YYYY-MM-DD.");
            source.RuleFor(s => s!.Kind).Must(k => k is null || CodeLists.SourceKinds.Contains(k))
                .WithMessage("'{PropertyValue}' is not a source kind; see GET /api/v1/code-lists.");
        });

        RuleFor(c => c.Tags).Must(t => t is null || t.Count <= 50).WithMessage("At most 50 tags.");
        RuleForEach(c => c.Tags).NotEmpty().MaximumLength(50)
            .Matches(ReferenceValidation.KebabCase()).WithMessage("Tag '{PropertyValue}' must be kebab-case (e.g. 'talent-program').");
        CodesAsync(c => c.ListedIn, "source list", "/api/v1/source-lists", (s, code) => s.SourceLists.Contains(code), referenceCodes);
        ListEvidenceRules(time);

        // PostgreSQL text cannot store NUL (\u0000): refuse it here, naming the field, instead of failing in the database.
        RuleFor(c => c).Custom((c, context) =>
        {
            foreach (var (path, _) in Strings(c).Where(s => s.Text?.Contains('\0', StringComparison.Ordinal) == true))
            {
                context.AddFailure(path, $"'{path}' must not contain NUL characters (\\u0000).");
            }
        });
    }

    /// <summary>
    /// Evidence explains a membership, so it names one of the case's own lists (whose codes the listedIn rule checks
    /// against the source lists), once. A reference that looks like a link must be one a browser can open safely.
    /// </summary>
    private void ListEvidenceRules(TimeProvider time)
    {
        RuleFor(c => c.ListEvidence).Must(e => e is null || e.Count <= MaxListItems).WithMessage($"At most {MaxListItems} items.");
        RuleForEach(c => c.ListEvidence).NotNull().ChildRules(evidence =>
        {
            evidence.RuleFor(e => e!.List).NotEmpty();
            evidence.RuleFor(e => e!.Reference).MaximumLength(MaxReferenceLength)
                .Must(r => r is null || !LooksLikeUrl(r) || IsWebUrl(r))
                .WithMessage("'reference' looks like a URL, so it must be an absolute http or https URL.");
            evidence.RuleFor(e => e!.MatchMethod).Must(m => m is null || CodeLists.MatchMethods.Contains(m))
                .WithMessage("'{PropertyValue}' is not a match method; use manual or rule.");
            evidence.RuleFor(e => e!.MatchedBy).MaximumLength(200);
            evidence.RuleFor(e => e!.MatchedAt).Must(at => at is null || at <= time.GetUtcNow())
                .WithMessage("'matchedAt' is in the future.");
        });
        RuleFor(c => c).Custom((c, context) =>
        {
            var seen = new HashSet<(string, string?)>();
            foreach (var (list, reference, i) in (c.ListEvidence ?? []).Select((e, i) => (e?.List, e?.Reference, i)))
            {
                if (list is null) continue;
                // A list may publish several releases about one case: one piece of evidence per reference.
                if (!seen.Add((list, reference)))
                {
                    context.AddFailure($"listEvidence[{i}]", $"'{list}' already has evidence with this reference: each reference once.");
                }
                else if (c.ListedIn?.Contains(list) != true)
                {
                    context.AddFailure($"listEvidence[{i}].list", $"'{list}' is not in this case's listedIn: add the list there, or remove its " +
                        "evidence.");
                }
            }
        });
    }

    public const int MaxReferenceLength = 500;

    /// <summary>A scheme-like prefix or a 'www.' start: what a client might turn into a link.</summary>
    private static bool LooksLikeUrl(string text) =>
        text.Contains("://", StringComparison.Ordinal) || text.StartsWith("www.", StringComparison.OrdinalIgnoreCase)
        || UnsafeSchemes.Any(s => text.TrimStart().StartsWith(s, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] UnsafeSchemes = ["javascript:", "data:", "vbscript:", "file:"];

    private static bool IsWebUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);

    private static IEnumerable<(string Path, string? Text)> Strings(CaseRequest c)
    {
        var texts = CaseColumns.Fields.Where(f => f.Kind is CaseFieldKind.Text or CaseFieldKind.Date).Select(f => (f.Name, (string?)f.Requested(c)));
        var lists = CaseColumns.Fields.Where(f => f.Kind == CaseFieldKind.List)
            .SelectMany(f => ((IReadOnlyList<string?>?)f.Requested(c) ?? []).Select((text, i) => ($"{f.Name}[{i}]", text)));
        var sources = (c.Sources ?? []).SelectMany((s, i) => s is null ? [] : new (string, string?)[]
        {
            ($"sources[{i}].url", s.Url), ($"sources[{i}].title", s.Title), ($"sources[{i}].publisher", s.Publisher),
            ($"sources[{i}].publishedOn", s.PublishedOn), ($"sources[{i}].kind", s.Kind),
        });
        var evidence = (c.ListEvidence ?? []).SelectMany((e, i) => e is null ? [] : new (string, string?)[]
        {
            ($"listEvidence[{i}].list", e.List), ($"listEvidence[{i}].reference", e.Reference),
            ($"listEvidence[{i}].matchMethod", e.MatchMethod), ($"listEvidence[{i}].matchedBy", e.MatchedBy),
        });
        return texts.Concat(lists).Concat(sources).Concat(evidence);
    }

    private void Codes(Expression<Func<CaseRequest, IEnumerable<string?>?>> list, string what, Func<string, bool> known)
    {
        ListShape(list);
        RuleForEach(list).NotEmpty()
            .Must(code => code is null || known(code))
            .WithMessage($"'{{PropertyValue}}' is not a known {what} code.");
    }

    private void CodesAsync(
        Expression<Func<CaseRequest, IEnumerable<string?>?>> list, string what, string listPath,
        Func<ReferenceCodes.Snapshot, string, bool> known, ReferenceCodes referenceCodes)
    {
        ListShape(list);
        RuleForEach(list).NotEmpty()
            .MustAsync(async (code, ct) => code is null || known(await referenceCodes.GetAsync(ct), code))
            .WithMessage($"'{{PropertyValue}}' is not a {what} code; see GET {listPath}.");
    }

    private void Texts(Expression<Func<CaseRequest, IEnumerable<string?>?>> list, int maxLength)
    {
        ListShape(list);
        RuleForEach(list).NotEmpty().MaximumLength(maxLength);
    }

    private void ListShape(Expression<Func<CaseRequest, IEnumerable<string?>?>> list)
    {
        RuleFor(list)
            .Must(l => l is null || l.Count() <= MaxListItems).WithMessage($"At most {MaxListItems} items.")
            .Must(l => l is null || l.Distinct().Count() == l.Count()).WithMessage("Items must not repeat.");
    }

    private void Date(Expression<Func<CaseRequest, string?>> date, Func<DateOnly> today)
    {
        RuleFor(date)
            .Must(d => d is null || PartialDate.TryParse(d, out _))
            .WithMessage("'{PropertyValue}' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD (from 1900).")
            .Must(d => !PartialDate.TryParse(d, out var p) || p.Value <= today())
            .WithMessage("'{PropertyValue}' is in the future.");
    }

    private static bool NotBefore(string? later, string? earlier) =>
        !PartialDate.TryParse(later, out var l) || !PartialDate.TryParse(earlier, out var e) || l.Last >= e.Value;
}
