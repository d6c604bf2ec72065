namespace CaseApi.Linkage;

/// <summary>What a list entry and a candidate case are compared on; each feature has ordered agreement levels.</summary>
public enum LinkageFeature { Name, Date, Title, Place, Reference }

/// <summary>The agreement levels of each feature, strongest first; a feature missing on either side has no level.</summary>
public static class LinkageFeatures
{
    /// <summary>The level of a feature that one side does not have: it contributes no weight (m = u).</summary>
    public const int Missing = -1;

    public static IReadOnlyList<LinkageFeature> All { get; } = Enum.GetValues<LinkageFeature>();

    private static readonly string[] NameLevels = ["exact", "token-set", "fuzzy", "none"];
    private static readonly string[] DateLevels = ["same", "within-month", "within-year", "within-3-years", "none"];
    private static readonly string[] TitleLevels = ["high", "some", "none"];
    private static readonly string[] AgreementLevels = ["agree", "disagree"];

    public static IReadOnlyList<string> Levels(LinkageFeature feature) => feature switch
    {
        LinkageFeature.Name => NameLevels,
        LinkageFeature.Date => DateLevels,
        LinkageFeature.Title => TitleLevels,
        _ => AgreementLevels,
    };

    /// <summary>The feature's name in explanations and configuration: "name", "date" …</summary>
    public static string Code(this LinkageFeature feature) => feature.ToString().ToLowerInvariant();
}

/// <summary>The agreement level of each feature for one (entry, case) pair; <see cref="LinkageFeatures.Missing"/> where absent.</summary>
public readonly record struct ComparisonVector(int Name, int Date, int Title, int Place, int Reference)
{
    public int this[LinkageFeature feature] => feature switch
    {
        LinkageFeature.Name => Name,
        LinkageFeature.Date => Date,
        LinkageFeature.Title => Title,
        LinkageFeature.Place => Place,
        _ => Reference,
    };

    public override string ToString()
    {
        var vector = this;
        return string.Join(", ", LinkageFeatures.All.Select(f =>
            $"{f.Code()}={(vector[f] == LinkageFeatures.Missing ? "missing" : LinkageFeatures.Levels(f)[vector[f]])}"));
    }
}
