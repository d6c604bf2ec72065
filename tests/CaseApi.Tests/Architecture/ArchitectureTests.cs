using System.Reflection;
using System.Text.RegularExpressions;
using CaseApi.Store;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetArchTest.Rules;

namespace CaseApi.Tests.Architecture;

/// <summary>
/// The layout docs/architecture.md draws, held by tests: dependencies point one way (features → Store), Store knows
/// nothing of the features but their entity types, features use each other only through the seams named here, and raw
/// SQL runs only inside Store.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly Assembly Api = typeof(CaseDbContext).Assembly;

    /// <summary>
    /// The only places where one feature may use another, each with its reason. Anything else a feature needs of another
    /// goes through Store (the data) or becomes a seam here, in review.
    /// </summary>
    private static readonly Dictionary<string, string[]> Seams = new()
    {
        ["every write is audited in its own transaction"] = ["CaseApi.Audit.AuditTrail", "CaseApi.Audit.AuditEvent"],
        ["the checkpoint log and the release reads show the audit chain"] = ["CaseApi.Audit.AuditChain", "CaseApi.Audit.ChainCheckpoint"],
        ["one filter selects cases for lists, exports, statistics and coverage"] = ["CaseApi.Cases.CaseFilter"],
        ["imports, the change feed and the audit read and write a case by its one field declaration"] =
        [
            "CaseApi.Cases.Case", "CaseApi.Cases.CaseSource", "CaseApi.Cases.ListEvidence", "CaseApi.Cases.CaseRequest",
            "CaseApi.Cases.CaseColumns", "CaseApi.Cases.CaseField", "CaseApi.Cases.CaseFieldKind", "CaseApi.Cases.CaseFieldMask", "CaseApi.Cases.CaseDbColumn",
            "CaseApi.Cases.CaseCsv", "CaseApi.Cases.CaseMapping", "CaseApi.Cases.Spreadsheet",
        ],
        ["the list matcher compares dates at the precision a case records them"] = ["CaseApi.Cases.PartialDate", "CaseApi.Cases.DatePrecision"],
        ["a list's entries are uploaded through the import pipeline's upload (media types, encodings, binary files refused)"] =
            ["CaseApi.Imports.ImportUpload", "CaseApi.Imports.ImportRefusal", "CaseApi.Imports.ImportRefusalReason", "CaseApi.Imports.ImportHeader",
                "CaseApi.Imports.ImportProblem"],
        // One workbook reader, so a list's .xlsx meets every cap a case import's does (issue 32 asked for one reader, not two).
        ["a list's entries sent as .xlsx are read by the import's workbook reader, with the import's caps"] =
            ["CaseApi.Imports.XlsxSheetReader", "CaseApi.Imports.ImportOptions"],
        ["the coverage answer reports how its lists' entries were linked"] =
            ["CaseApi.Linkage.ListLinkage", "CaseApi.Linkage.ListLinkageCounts", "CaseApi.Linkage.LinkageOptions"],
        // Issue 36: a name finds its entity by the same normalisation that links list entries to cases, never a second one.
        ["entities resolve written names by the list matcher's normalisation"] =
            ["CaseApi.Linkage.NameNormaliser", "CaseApi.Linkage.NormalisedName", "CaseApi.Linkage.NameKind", "CaseApi.Linkage.TextFolding"],
        // Issue 36 item 5: the list entries are the Linkage feature's, so it rewrites them (and its index of the cases) itself.
        ["a redaction rewrites the list entries that name the person"] = ["CaseApi.Linkage.ListEntryRedaction"],
        ["case writes, the sample and imports link defendants and victims to entities"] =
        [
            "CaseApi.Entities.EntityLinks", "CaseApi.Entities.EntityResolver", "CaseApi.Entities.NameResolution", "CaseApi.Entities.AmbiguousName",
            "CaseApi.Entities.EntityCandidate", "CaseApi.Entities.EntityNames", "CaseApi.Entities.EntityRequest", "CaseApi.Entities.EntityCodes",
            "CaseApi.Entities.EntityCopy", "CaseApi.Entities.NamedRole", "CaseApi.Entities.IMadeEntities", "CaseApi.Entities.KnownEntity",
        ],
        // Issue 37: STIX is a format of the one case export (same filter, read declaration and stream); Interop maps the case
        // resource the export projects, and the export hands its stix format to Interop. The TAXII collections (Interop/Taxii)
        // show the history's case rows the way the change feed does, through CaseReads.
        ["the STIX export is a format of the case export, mapped in Interop"] =
            ["CaseApi.Cases.CaseResponse", "CaseApi.Cases.CaseReads", "CaseApi.Interop.Stix.StixExport"],
        // Issue 36: the entity table beside the case export is streamed and typed the way the case export is, not a second way.
        ["the entity export streams Parquet as the case export does"] =
            ["CaseApi.Cases.ExportBuffer", "CaseApi.Cases.ParquetLists", "CaseApi.Cases.CaseParquetWriter"],
        // Issue 39: each write route states, where it is mapped, whether review makes it a proposal, refuses it or lets it publish.
        ["every write route declares what review does to it"] = ["CaseApi.Review.ReviewGate", "CaseApi.Review.ReviewRule", "CaseApi.Review.ReviewReasons"],
        ["reads take asOf and release with one rule"] = ["CaseApi.History.AsOfQuery", "CaseApi.History.AsOfValidation"],
        // Issue 38: a feed item is what the API shows (a mirror must not re-implement it), through the one case mapping.
        ["the change feed shows each entity as the API does"] =
        [
            "CaseApi.Cases.CaseReads", "CaseApi.Cases.CaseResponse", "CaseApi.ReferenceData.SectorResponse", "CaseApi.ReferenceData.SponsorResponse",
            "CaseApi.ReferenceData.SourceListResponse",
        ],
        ["validators check codes against the reference data"] =
        [
            "CaseApi.ReferenceData.ReferenceCodes", "CaseApi.ReferenceData.CodeLists", "CaseApi.ReferenceData.ReferenceValidation",
            "CaseApi.ReferenceData.Sponsor", "CaseApi.ReferenceData.SourceList",
        ],
    };

    /// <summary>Cross-cutting code that knows a feature's contract, not just its entities, and why.</summary>
    private static readonly Dictionary<string, string[]> InfrastructureSeams = new()
    {
        ["the hottest bodies are written from compile-time JSON metadata"] =
            ["CaseApi.Cases.CaseResponse", "CaseApi.Cases.CaseSource", "CaseApi.Cases.ListEvidence"],
        ["the contract's request examples, which Swagger UI pre-fills"] =
        [
            "CaseApi.Cases.CaseRequest", "CaseApi.Cases.CaseEndpoints", "CaseApi.ApiKeys.CreateApiKeyRequest", "CaseApi.Releases.CreateReleaseRequest", "CaseApi.Entities.EntityRequest",
            "CaseApi.ReferenceData.SectorRequest", "CaseApi.ReferenceData.SponsorRequest", "CaseApi.ReferenceData.PolicyDocumentRequest",
            "CaseApi.ReferenceData.SourceListRequest", "CaseApi.Linkage.EntryDecisionRequest", "CaseApi.Linkage.BulkAcceptRequest",
            "CaseApi.Linkage.MembershipRequest", "CaseApi.Entities.EntityMergeRequest", "CaseApi.Entities.EntityRedactRequest",
            "CaseApi.Review.RejectProposalRequest",
        ],
    };

    [Fact]
    public void Store_depends_on_no_feature_but_the_entity_types_of_the_model()
    {
        var result = Types.InAssembly(Api).That().ResideInNamespace("CaseApi.Store")
            .ShouldNot().HaveDependencyOnAny([.. FeatureTypesBut(EntityTypes())]).GetResult();

        Assert.True(result.IsSuccessful, Failing("Store/ must not use these features' types", result));
    }

    [Fact]
    public void Infrastructure_depends_on_no_feature_but_entity_types_and_its_named_seams()
    {
        var result = Types.InAssembly(Api).That().ResideInNamespace("CaseApi.Infrastructure")
            .ShouldNot().HaveDependencyOnAny([.. FeatureTypesBut([.. EntityTypes(), .. InfrastructureSeams.Values.SelectMany(s => s)])])
            .GetResult();

        Assert.True(result.IsSuccessful, Failing("Infrastructure/ must not use these features' types", result));
    }

    public static TheoryData<string> Features => [.. FeatureNamespaces()];

    [Theory]
    [MemberData(nameof(Features))]
    public void A_feature_uses_another_only_through_a_named_seam(string feature)
    {
        string[] seams = [.. EntityTypes(), .. Seams.Values.SelectMany(s => s)];
        var others = FeatureTypesBut(seams).Where(t => !InFeature(t, feature)).ToArray();

        var result = Types.InAssembly(Api).That().ResideInNamespace(feature).ShouldNot().HaveDependencyOnAny(others).GetResult();

        Assert.True(result.IsSuccessful, Failing($"{feature} uses other features' types that are no named seam", result));
    }

    [Fact]
    public void Every_named_seam_exists()
    {
        var missing = Seams.Values.Concat(InfrastructureSeams.Values).SelectMany(s => s).Where(name => Api.GetType(name) is null).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Raw_sql_runs_only_inside_store()
    {
        var offending = RepositoryFiles.Tracked()
            .Where(p => p.StartsWith("src/CaseApi/", StringComparison.Ordinal) && p.EndsWith(".cs", StringComparison.Ordinal))
            .Where(p => !p.StartsWith("src/CaseApi/Store/", StringComparison.Ordinal))
            .SelectMany(p => RepositoryFiles.Read(p).Split('\n').Select((line, i) => (p, i + 1, line)))
            .Where(l => RawSql().IsMatch(l.line))
            .Select(l => $"{l.p}:{l.Item2}: {l.line.Trim()}")
            .ToList();

        Assert.True(offending.Count == 0, "Raw SQL outside Store/ (use SqlFragment with SqlExecutor):\n" + string.Join('\n', offending));
    }

    [GeneratedRegex(@"ExecuteSqlRaw|ExecuteSqlInterpolated|ExecuteSql(Async)?\(|SqlQueryRaw|\.SqlQuery<|FromSqlRaw|FromSqlInterpolated|FromSql\(|NpgsqlCommand|CreateCommand\(")]
    private static partial Regex RawSql();

    /// <summary>The CLR types of the EF model: the entities and the types they own. Building the model opens no connection.</summary>
    private static string[] EntityTypes()
    {
        var options = (DbContextOptions<CaseDbContext>)new DbContextOptionsBuilder<CaseDbContext>().UseCaseStore("Host=model-only").Options;
        using var db = new CaseDbContext(options);
        return [.. db.Model.GetEntityTypes().Select(e => e.ClrType).Where(t => t.Assembly == Api).Select(t => t.FullName!)];
    }

    /// <summary>The namespaces of the features: CaseApi.X for every X but Store and Infrastructure.</summary>
    private static IEnumerable<string> FeatureNamespaces() =>
        Api.GetTypes().Select(t => t.Namespace).OfType<string>().Where(n => n.StartsWith("CaseApi.", StringComparison.Ordinal))
            .Select(n => string.Join('.', n.Split('.').Take(2))).Where(n => n is not "CaseApi.Store" and not "CaseApi.Infrastructure")
            .Distinct().Order(StringComparer.Ordinal);

    /// <summary>Every top-level type of every feature, except the given ones.</summary>
    private static IEnumerable<string> FeatureTypesBut(IReadOnlyCollection<string> allowed) =>
        Api.GetTypes().Where(t => !t.IsNested && t.Namespace is { } n && FeatureNamespaces().Any(f => InFeature(t.FullName!, f)))
            .Select(t => t.FullName!).Where(name => !allowed.Contains(name));

    private static bool InFeature(string typeName, string feature) => typeName.StartsWith(feature + ".", StringComparison.Ordinal);

    private static string Failing(string what, NetArchTest.Rules.TestResult result) =>
        $"{what}:\n" + string.Join('\n', result.FailingTypes?.Select(t => t.FullName) ?? []);
}
