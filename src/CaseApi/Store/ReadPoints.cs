using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace CaseApi.Store;

/// <summary>
/// The two ways a read names a point in the store's past: <c>asOf</c> (a history position, or an RFC 3339 time meaning the
/// last commit at or before it) and <c>release</c> (a named position). The parsing rules live here, with the resolution
/// (<see cref="StoreSnapshots"/>); the query validators of the features use the same rules.
/// </summary>
public static partial class ReadPoints
{
    public const string AsOfParameter = "asOf";
    public const string ReleaseParameter = "release";

    public const int MaxReleaseName = 100;

    /// <summary>Release names: lowercase words of letters and digits joined by '-' or '.' (2026-study, v1.2); the table checks it too.</summary>
    [GeneratedRegex("^[a-z0-9]+([.-][a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ReleaseName();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    /// <summary>Whether a request names a point in the past: such a read rebuilds rows from the history, bulk work however small.</summary>
    public static bool ReadsThePast(StringValues asOf, StringValues release) =>
        !StringValues.IsNullOrEmpty(asOf) || !StringValues.IsNullOrEmpty(release);

    public static bool IsReleaseName(string name) => name.Length <= MaxReleaseName && ReleaseName().IsMatch(name);

    /// <summary>A history position (digits only) or an RFC 3339 time; exactly one of the two is set when this returns true.</summary>
    public static bool TryParseAsOf(string text, out long? position, out DateTimeOffset? time)
    {
        (position, time) = (null, null);
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p)) position = p;
        else if (Rfc3339().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) time = t;
        return position is not null || time is not null;
    }
}
