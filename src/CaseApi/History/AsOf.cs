using System.Globalization;
using System.Linq.Expressions;
using System.Text.RegularExpressions;
using CaseApi.Cases;
using CaseApi.Infrastructure.Validation;
using CaseApi.Store;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.History;

/// <summary>The read point of GET /cases/{id}; the reads over many cases take the same two parameters in <see cref="CaseFilter"/>.</summary>
/// <param name="AsOf">Answer from the store as it was at this history position (an integer), or at this RFC 3339 time (the last commit at
/// or before it). The answer never changes, so its ETag never goes stale.</param>
/// <param name="Release">Answer from the store as it was when this named release was taken (GET /api/v1/releases).</param>
public sealed record AsOfQuery(string? AsOf = null, string? Release = null)
{
    /// <summary>What <see cref="AsOfReads.WithAsOf"/> resolved the parameters to.</summary>
    internal StoreView View { get; set; } = StoreView.Current;
}

public sealed partial class AsOfQueryValidator : AbstractValidator<AsOfQuery>
{
    public AsOfQueryValidator() => this.AsOfRules(q => q.AsOf, q => q.Release);

    /// <summary>Release names: lowercase words of letters and digits joined by '-' or '.' (2026-study, v1.2); the table checks it too.</summary>
    [GeneratedRegex("^[a-z0-9]+([.-][a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    public static partial Regex ReleaseName();

    public const int MaxReleaseName = 100;

    public static bool IsReleaseName(string name) => name.Length <= MaxReleaseName && ReleaseName().IsMatch(name);
}

/// <summary>
/// Resolves <c>asOf</c> and <c>release</c> to a <see cref="StoreView"/>, once per request: the store-version ETag asks first
/// (an as-of answer is tagged with its position, not the store version), then <see cref="WithAsOf"/> refuses what cannot be
/// resolved and hands the view to the handler's <see cref="CaseFilter"/> or <see cref="AsOfQuery"/>.
/// </summary>
public static partial class AsOfReads
{
    public const string AsOfParameter = "asOf";
    public const string ReleaseParameter = "release";

    private const string ItemKey = "CaseApi.AsOf";

    /// <summary>A request's read point: a view, a refusal, or neither when the parameters are malformed (the validator answers).</summary>
    public sealed record Resolution(StoreView? View, IResult? Refusal);

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    /// <summary>The shape rules, shared by every query record that carries the two parameters.</summary>
    public static void AsOfRules<T>(this AbstractValidator<T> validator, Expression<Func<T, string?>> asOf, Expression<Func<T, string?>> release)
    {
        var readRelease = release.Compile();
        validator.RuleFor(asOf).Must(text => text is null || TryParse(text, out _, out _))
            .WithMessage("'{PropertyValue}' is neither a history position (0, 1, 2 …) nor an RFC 3339 time (2026-11-30T17:00:00Z).")
            .Must((query, text) => text is null || readRelease(query) is null)
            .WithMessage("Give asOf or release, not both: a release is a named asOf.");
        validator.RuleFor(release).Must(name => name is null || AsOfQueryValidator.IsReleaseName(name))
            .WithMessage("'{PropertyValue}' is not a release name; see GET /api/v1/releases.");
    }

    private static bool TryParse(string text, out long? position, out DateTimeOffset? time)
    {
        (position, time) = (null, null);
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p)) position = p;
        else if (Rfc3339().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) time = t;
        return position is not null || time is not null;
    }

    /// <summary>The request's read point, resolved against the history once and remembered for the rest of the request.</summary>
    public static async ValueTask<Resolution> ResolveAsync(HttpContext http)
    {
        if (http.Items[ItemKey] is Resolution known) return known;
        var resolution = await ResolveAsync(http, http.Request.Query[AsOfParameter].ToString(), http.Request.Query[ReleaseParameter].ToString());
        http.Items[ItemKey] = resolution;
        return resolution;
    }

    private static async Task<Resolution> ResolveAsync(HttpContext http, string asOf, string release)
    {
        if (http.Request.Query[AsOfParameter].Count > 1 || http.Request.Query[ReleaseParameter].Count > 1)
        {
            return Refuse("Give one asOf or one release.");
        }
        if (asOf.Length == 0 && release.Length == 0) return new(StoreView.Current, null);
        long? position = null;
        DateTimeOffset? time = null;
        if ((asOf.Length > 0 && release.Length > 0) || (asOf.Length > 0 && !TryParse(asOf, out position, out time))
            || (release.Length > 0 && !AsOfQueryValidator.IsReleaseName(release)))
        {
            return new(null, null);
        }
        var db = http.RequestServices.GetRequiredService<ReadOnlyCaseDbContext>();
        var ct = http.RequestAborted;
        if (release.Length > 0)
        {
            var released = await db.Database.Query<long>(SqlFragment.Of($"SELECT position AS \"Value\" FROM releases WHERE name = {release}"))
                .ToListAsync(ct);
            return released is [var at] ? new(StoreView.AsOf(at), null) : new(null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
                title: "Release not found.", detail: $"No release is named '{release}'; see GET /api/v1/releases."));
        }

        var version = await StoreVersion.ReadAsync(db, ct);
        if (position is { } p)
        {
            return p <= version ? new(StoreView.AsOf(p), null)
                : Refuse($"Position {p} is beyond the store's current version {version}: the answer would change as the store grows.");
        }
        // The last commit at or before the time; a time to come would give an answer that still changes.
        if (time > DateTimeOffset.UtcNow) return Refuse($"{asOf} is in the future: the answer would change as the store grows.");
        var commits = await db.Database.Query<long>(SqlFragment.Of($"""
            SELECT position AS "Value" FROM history_commits WHERE committed_at <= {time!.Value.ToUniversalTime()} AND position IS NOT NULL
            ORDER BY position DESC LIMIT 1
            """)).ToListAsync(ct);
        return commits is [var last] ? new(StoreView.AsOf(last), null)
            : Refuse($"{asOf} is before the history's first commit; GET /api/v1/changes shows where it begins.");
    }

    private static Resolution Refuse(string message) =>
        new(null, ValidationExtensions.InvalidRequest(new Dictionary<string, string[]> { [AsOfParameter] = [message] }, message));

    /// <summary>
    /// For an endpoint whose query records carry asOf and release: a release that does not exist is 404, a position or
    /// time the store has not reached is 400, and otherwise the handler's query records read from the resolved view.
    /// </summary>
    public static TBuilder WithAsOf<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static async (context, next) =>
        {
            var resolution = await ResolveAsync(context.HttpContext);
            if (resolution.Refusal is not null) return resolution.Refusal;
            // Malformed parameters have no view; the query validator refuses them.
            if (resolution.View is not { } view) return await next(context);
            foreach (var argument in context.Arguments)
            {
                if (argument is CaseFilter filter) filter.View = view;
                else if (argument is AsOfQuery query) query.View = view;
            }
            return await next(context);
        }).WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails),
            ["application/problem+json"]));
}
