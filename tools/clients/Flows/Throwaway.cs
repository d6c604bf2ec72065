using System.Globalization;

namespace CaseApi.ClientFlows;

/// <summary>What the flows write: cases with slugs of their own run, deleted again at the end.</summary>
internal static class Throwaway
{
    private static readonly string Run = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static string Slug(string client, string what) => $"client-flow-{client}-{what}-{Run}";

    public const string Title = "Client generator flow check";
    public static readonly string[] ActivityTypes = ["economic-espionage"];
    public const string CollectorType = "private-company-employee";
    public static readonly string[] Sectors = ["aerospace"];
    public const string Outcome = "convicted";
    public const string ChargedOn = "2019-04";

    /// <summary>A one-row CSV import in the columns docs/guides/import.md documents.</summary>
    public static string Csv(string slug) =>
        "slug,title,activityTypes,collectorType,sectors,outcome,chargedOn\n"
        + $"{slug},{Title} (CSV import),economic-espionage,private-company-employee,aerospace,convicted,2019-04\n";
}
