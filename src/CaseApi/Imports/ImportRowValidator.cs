using CaseApi.Cases;
using FluentValidation;
using FluentValidation.Internal;

namespace CaseApi.Imports;

/// <summary>
/// Judges one record with the case API's own validator, the single source of the rules, but runs only the rules of the
/// fields the record names (and the slug's, by which every record is matched) plus the rules of the record as a whole.
/// In an upsert a field the record does not name keeps its stored value, which only the store knows: staging judges
/// the merged row (<see cref="ImportStaging"/>). Rules that span the file (one slug, one record) are the pipeline's.
/// </summary>
internal sealed class ImportRowValidator(IValidator<CaseRequest> validator)
{
    private static readonly CaseField Slug = CaseColumns.ByName["slug"];
    private static readonly CaseField ListedIn = CaseColumns.ByName["listedIn"];
    private static readonly CaseField ListEvidence = CaseColumns.ByName["listEvidence"];

    /// <summary>The record's errors against the fields it names; empty when it is valid. Reference codes are cached, so no rule queries.</summary>
    public async Task<IEnumerable<ImportError>> ValidateAsync(ImportRow row, CaseRequest request, CancellationToken ct)
    {
        var present = row.Present | Slug.Bit;
        var context = new ValidationContext<CaseRequest>(StandIn(request, present), new PropertyChain(), new NamedFields(present));
        var result = await validator.ValidateAsync(context, ct);
        // Only a whole-record rule reading the stand-in below can fail on a field the record does not name; that finding is not the record's.
        return result.Errors.Where(e => Names(present, e.PropertyName))
            .Select(e => new ImportError(row.Number, row.Slug, e.PropertyName, e.ErrorMessage));
    }

    /// <summary>
    /// The evidence rule compares listEvidence with listedIn. A record that names listEvidence but not listedIn keeps the
    /// stored lists, so its evidence stands in for them here and the store compares the merged pair.
    /// </summary>
    private static CaseRequest StandIn(CaseRequest request, CaseFieldMask present) =>
        present.Includes(ListEvidence.Bit) && !present.Includes(ListedIn.Bit) && request.ListEvidence is { } evidence
            ? request with { ListedIn = [.. evidence.Select(e => e?.List).OfType<string>().Distinct(StringComparer.Ordinal)] }
            : request;

    /// <summary>Whether a property path ("title", "sources[0].url") is about a field the record names, or about the record as a whole.</summary>
    private static bool Names(CaseFieldMask present, string propertyPath)
    {
        var end = propertyPath.AsSpan().IndexOfAny('.', '[');
        var root = end < 0 ? propertyPath : propertyPath[..end];
        return !CaseColumns.ByName.TryGetValue(root, out var field) || present.Includes(field.Bit);
    }

    /// <summary>Selects the top-level rules of the named fields and the whole-record rules; a selected rule's child rules all run.</summary>
    private sealed class NamedFields(CaseFieldMask present) : IValidatorSelector
    {
        public bool CanExecute(IValidationRule rule, string propertyPath, IValidationContext context) =>
            context.IsChildContext || Names(present, propertyPath);
    }
}
