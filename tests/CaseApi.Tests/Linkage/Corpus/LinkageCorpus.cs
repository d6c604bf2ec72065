using System.Globalization;
using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Linkage;
using CaseApi.Tests.Infrastructure;
using CsvHelper;

namespace CaseApi.Tests.Linkage.Corpus;

/// <summary>
/// A committed corpus read the way phase 2's column mappings will read uploads: each list's columns mapped to a
/// <see cref="ListEntry"/> (with the name order the list is known to use), the cases to <see cref="CandidateCase"/>s.
/// </summary>
public sealed record LinkageCorpus(
    int Seed, IReadOnlyList<CandidateCase> Cases, IReadOnlyDictionary<string, IReadOnlyList<ListEntry>> Lists,
    IReadOnlyDictionary<(string List, string Reference), string?> Truth)
{
    /// <summary>The seed thresholds are tuned on.</summary>
    public const int TuningSeed = 1;

    /// <summary>The seed they are measured on.</summary>
    public const int MeasurementSeed = 2;

    public static string Folder(int seed) => $"tests/CaseApi.Tests/Linkage/Corpus/seed-{seed}";

    private static readonly Dictionary<int, LinkageCorpus> Loaded = [];

    public static LinkageCorpus Load(int seed)
    {
        lock (Loaded)
        {
            if (Loaded.TryGetValue(seed, out var corpus)) return corpus;
            return Loaded[seed] = Read(seed, name => RepositoryFiles.Read($"{Folder(seed)}/{name}"));
        }
    }

    public static LinkageCorpus Read(int seed, Func<string, string> file)
    {
        var cases = JsonDocument.Parse(file(CorpusGenerator.CasesFile)).RootElement.EnumerateArray().Select(c => new CandidateCase(
            c.GetProperty("slug").GetString()!, c.GetProperty("title").GetString()!, Strings(c, "defendants"),
            Date(c, "chargedOn"), Date(c, "resolvedOn"), Date(c, "activityStart"), Date(c, "activityEnd"), Strings(c, "usStates"),
            c.TryGetProperty("venue", out var venue) ? venue.GetString() : null,
            [.. c.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("url").GetString()!)])).ToList();

        var doj = Rows(file(CorpusGenerator.DojFile)).Select(r => new ListEntry(
            r["url"], r["defendants"], Parse(r["date"]), r["title"], r["district"], NameOrder.GivenFirst)).ToList();
        var csis = Rows(file(CorpusGenerator.CsisFile)).Select(r => new ListEntry(
            r["incident_id"], r["names"], Parse(r["year"]), r["description"], r["location"], NameOrder.FamilyFirst)).ToList();
        var news = file(CorpusGenerator.NewsFile).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var n = JsonDocument.Parse(line).RootElement;
            return new ListEntry(n.GetProperty("id").GetString()!, n.GetProperty("people").GetString(),
                Parse(n.GetProperty("published").GetString()), n.GetProperty("headline").GetString(),
                n.GetProperty("dateline").GetString());
        }).ToList();

        var truth = Rows(file(CorpusGenerator.TruthFile))
            .ToDictionary(r => (r["list"], r["reference"]), r => r["case"] is { Length: > 0 } slug ? slug : null);
        return new LinkageCorpus(seed, cases, new Dictionary<string, IReadOnlyList<ListEntry>>(StringComparer.Ordinal)
        {
            ["doj"] = doj, ["csis"] = csis, ["news"] = news,
        }, truth);
    }

    private static List<string> Strings(JsonElement c, string property) =>
        c.TryGetProperty(property, out var values) ? [.. values.EnumerateArray().Select(v => v.GetString()!)] : [];

    private static PartialDate? Date(JsonElement c, string property) =>
        c.TryGetProperty(property, out var value) ? Parse(value.GetString()) : null;

    private static PartialDate? Parse(string? text) => PartialDate.TryParse(text, out var date) ? date : null;

    private static List<Dictionary<string, string>> Rows(string csvText)
    {
        using var csv = new CsvReader(new StringReader(csvText), CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read()) rows.Add(header.ToDictionary(h => h, h => csv.GetField(h) ?? "", StringComparer.Ordinal));
        return rows;
    }
}
