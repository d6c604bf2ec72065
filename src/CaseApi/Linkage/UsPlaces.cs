using System.Text.RegularExpressions;

namespace CaseApi.Linkage;

/// <summary>
/// Reads US states out of the place texts lists publish ("Eastern District of Virginia", "ALEXANDRIA, Va.",
/// "S.D.N.Y.", "Los Angeles, California") as USPS codes, the form a case stores in <c>usStates</c>. Each comma part is
/// read whole: a state's name, its USPS code, or its AP or Bluebook abbreviation, after a federal district prefix
/// ("Northern District of", "E.D.", "D.") is removed. City names are not resolved.
/// </summary>
public static partial class UsPlaces
{
    // USPS code, name, then the abbreviations newspapers (AP) and courts (Bluebook) use when they differ from the code.
    private static readonly (string Code, string Name, string[] Abbreviations)[] States =
    [
        ("AL", "Alabama", ["ala"]), ("AK", "Alaska", ["alaska"]), ("AZ", "Arizona", ["ariz"]), ("AR", "Arkansas", ["ark"]),
        ("CA", "California", ["calif", "cal"]), ("CO", "Colorado", ["colo"]), ("CT", "Connecticut", ["conn"]),
        ("DE", "Delaware", ["del"]), ("FL", "Florida", ["fla"]), ("GA", "Georgia", []), ("HI", "Hawaii", ["haw"]),
        ("ID", "Idaho", []), ("IL", "Illinois", ["ill"]), ("IN", "Indiana", ["ind"]), ("IA", "Iowa", []),
        ("KS", "Kansas", ["kan", "kans"]), ("KY", "Kentucky", []), ("LA", "Louisiana", []), ("ME", "Maine", []),
        ("MD", "Maryland", []), ("MA", "Massachusetts", ["mass"]), ("MI", "Michigan", ["mich"]), ("MN", "Minnesota", ["minn"]),
        ("MS", "Mississippi", ["miss"]), ("MO", "Missouri", []), ("MT", "Montana", ["mont"]), ("NE", "Nebraska", ["neb", "nebr"]),
        ("NV", "Nevada", ["nev"]), ("NH", "New Hampshire", []), ("NJ", "New Jersey", []), ("NM", "New Mexico", []),
        ("NY", "New York", []), ("NC", "North Carolina", []), ("ND", "North Dakota", []), ("OH", "Ohio", []),
        ("OK", "Oklahoma", ["okla"]), ("OR", "Oregon", ["ore", "or"]), ("PA", "Pennsylvania", ["penn"]), ("RI", "Rhode Island", []),
        ("SC", "South Carolina", []), ("SD", "South Dakota", []), ("TN", "Tennessee", ["tenn"]), ("TX", "Texas", ["tex"]),
        ("UT", "Utah", []), ("VT", "Vermont", []), ("VA", "Virginia", []), ("WA", "Washington", ["wash"]),
        ("WV", "West Virginia", ["wva"]), ("WI", "Wisconsin", ["wis", "wisc"]), ("WY", "Wyoming", ["wyo"]),
        ("DC", "District of Columbia", []), ("AS", "American Samoa", []), ("GU", "Guam", []),
        ("MP", "Northern Mariana Islands", []), ("PR", "Puerto Rico", []), ("VI", "Virgin Islands", []),
    ];

    private static readonly Dictionary<string, string> Lookup = Build();

    /// <summary>Every USPS code in the table, for the test that holds it to the case record's list.</summary>
    public static IEnumerable<string> Codes => States.Select(s => s.Code);

    // "northern district of", "district of", "n d", "d" (folded "N.D.", "D."), "s d" …
    [GeneratedRegex(@"^(?:(?:(?:northern|southern|eastern|western|central|middle) )?district of |(?:[nsewcm] )?d )", RegexOptions.CultureInvariant)]
    private static partial Regex DistrictPrefix();

    private static Dictionary<string, string> Build()
    {
        var lookup = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (code, name, abbreviations) in States)
        {
            lookup[TextFolding.Fold(name).Replace(" ", "", StringComparison.Ordinal)] = code;
            lookup[code.ToLowerInvariant()] = code;
            foreach (var abbreviation in abbreviations) lookup[abbreviation] = code;
        }
        // The city, not the state: "Washington, D.C." read part by part would name both.
        lookup["washingtondc"] = "DC";
        return lookup;
    }

    /// <summary>The USPS codes named in <paramref name="texts"/>, each in order of first mention, no repeats.</summary>
    public static IReadOnlyList<string> Find(params IEnumerable<string?> texts)
    {
        var codes = new List<string>();
        foreach (var text in texts)
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (Resolve(TextFolding.Fold(text)) is { } whole)
            {
                if (!codes.Contains(whole)) codes.Add(whole);
                continue;
            }
            foreach (var part in text.Split([',', ';', '/'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (Resolve(TextFolding.Fold(part)) is { } code && !codes.Contains(code)) codes.Add(code);
            }
        }
        return codes;
    }

    private static string? Resolve(string folded)
    {
        if (folded.Length == 0) return null;
        if (Lookup.TryGetValue(folded.Replace(" ", "", StringComparison.Ordinal), out var code)) return code;
        var rest = DistrictPrefix().Replace(folded, "");
        return rest.Length < folded.Length && Lookup.TryGetValue(rest.Replace(" ", "", StringComparison.Ordinal), out code) ? code : null;
    }
}
