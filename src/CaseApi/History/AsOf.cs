using System.Linq.Expressions;
using CaseApi.Store;
using FluentValidation;

namespace CaseApi.History;

/// <summary>The read point of GET /cases/{id}; the reads over many cases take the same two parameters in CaseFilter.</summary>
/// <param name="AsOf">Answer from the store as it was at this history position (an integer), or at this RFC 3339 time (the last commit at
/// or before it). The answer never changes, so its ETag never goes stale.</param>
/// <param name="Release">Answer from the store as it was when this named release was taken (GET /api/v1/releases).</param>
public sealed record AsOfQuery(string? AsOf = null, string? Release = null);

public sealed class AsOfQueryValidator : AbstractValidator<AsOfQuery>
{
    public AsOfQueryValidator() => this.AsOfRules(q => q.AsOf, q => q.Release);
}

public static class AsOfValidation
{
    /// <summary>
    /// The shape rules, shared by every query record that carries the two parameters; what they name is resolved after
    /// validation, once per request (StoreSnapshots), and refused there when the store has no such point.
    /// </summary>
    public static void AsOfRules<T>(this AbstractValidator<T> validator, Expression<Func<T, string?>> asOf, Expression<Func<T, string?>> release)
    {
        var readRelease = release.Compile();
        validator.RuleFor(asOf).Must(text => text is null || ReadPoints.TryParseAsOf(text, out _, out _))
            .WithMessage("'{PropertyValue}' is neither a history position (0, 1, 2 …) nor an RFC 3339 time (2026-11-30T17:00:00Z).")
            .Must((query, text) => text is null || readRelease(query) is null)
            .WithMessage("Give asOf or release, not both: a release is a named asOf.");
        validator.RuleFor(release).Must(name => name is null || ReadPoints.IsReleaseName(name))
            .WithMessage("'{PropertyValue}' is not a release name; see GET /api/v1/releases.");
    }
}
