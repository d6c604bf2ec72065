using System.Globalization;
using CaseApi.History;
using CaseApi.Infrastructure.Validation;
using CaseApi.ReferenceData;
using CaseApi.Store;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Cases;

/// <summary>
/// The filters of docs/design.md, shared by every endpoint that reads many cases (<c>[AsParameters] CaseFilter filter</c>):
/// the list, the export and the statistics. Each field repeats (<c>sector=a&amp;sector=b</c>, or <c>sector=a,b</c>);
/// values OR within a field, fields AND together.
/// </summary>
/// <param name="Q">Full-text search over title, summary, defendants and victims (web-search syntax: quotes, or, -word).</param>
/// <param name="Sector">Sector codes.</param>
/// <param name="Sponsor">Sponsor codes.</param>
/// <param name="IncludeChildren">With <c>sponsor</c>: also match the sponsors' descendants (sponsor=mss matches its provincial bureaus).</param>
/// <param name="SponsorType">Sponsor types.</param>
/// <param name="CollectorType">Collector types.</param>
/// <param name="ActivityType">Activity types.</param>
/// <param name="Tradecraft">Tradecraft codes.</param>
/// <param name="Outcome">Outcomes.</param>
/// <param name="State">USPS state or territory codes.</param>
/// <param name="Policy">Policy document codes: cases whose sectors the document names.</param>
/// <param name="Aligned">true: cases aligned with any policy document; false: cases aligned with none.</param>
/// <param name="Tag">Tags.</param>
/// <param name="ListedIn">Source-list codes: cases that these published compilations include.</param>
/// <param name="From">First year (inclusive) of <c>dateField</c>.</param>
/// <param name="To">Last year (inclusive) of <c>dateField</c>.</param>
/// <param name="DateField">
/// The date <c>from</c>/<c>to</c> (and the statistics' <c>year</c>) use: charged (default), activityStart or resolved.
/// </param>
/// <param name="AsOf">Answer from the store as it was at this history position (an integer), or at this RFC 3339 time (the last commit at
/// or before it): the cases, the reference data and the policy mapping as they were then. The answer never changes.</param>
/// <param name="Release">Answer from the store as it was when this named release was taken (GET /api/v1/releases).</param>
/// <param name="Alignment">
/// When a case counts as aligned with a policy document (for <c>aligned</c>, the <c>aligned</c> dimension, the summary and
/// policy-alignment statistics): <c>sectors</c> (default, the study's method) when the case targets a sector the document
/// names, whatever the dates; <c>dated</c> only when, besides, the document was published in a year before the case
/// started (its activityStart, else its chargedOn): a 1999 case then does not count as aligned with a 2015 plan. A case
/// with neither date, or a document without a year, is never aligned under <c>dated</c>.
/// </param>
/// <param name="Entity">Entities (ids or slugs, GET /api/v1/entities): cases that name any of them, in any role.</param>
/// <param name="Defendant">Entities (ids or slugs): cases that name any of them as a defendant.</param>
/// <param name="Victim">Entities (ids or slugs): cases that name any of them as a victim.</param>
public sealed record CaseFilter(
    string? Q,
    string[]? Sector,
    string[]? Sponsor,
    bool? IncludeChildren,
    string[]? SponsorType,
    string[]? CollectorType,
    string[]? ActivityType,
    string[]? Tradecraft,
    string[]? Outcome,
    string[]? State,
    string[]? Policy,
    bool? Aligned,
    string[]? Tag,
    string[]? ListedIn,
    int? From,
    int? To,
    string? DateField,
    string? AsOf = null,
    string? Release = null,
    string? Alignment = null,
    string[]? Entity = null,
    string[]? Defendant = null,
    string[]? Victim = null)
{
    private readonly StoreView? view;

    /// <summary>
    /// The store the filter reads: the request's snapshot's view (current, or as of the position asOf or release resolved
    /// to), given with <see cref="At"/>. A filter never falls back to the current store: SQL built from one that was not
    /// given a view would silently answer an asOf request from the present, so it throws instead.
    /// </summary>
    internal StoreView View
    {
        get => view ?? throw new InvalidOperationException("The filter has no store view: take it At(snapshot) before building SQL.");
        init => view = value;
    }

    /// <summary>This filter over the state of the store the request's snapshot reads.</summary>
    public CaseFilter At(StoreSnapshot snapshot) => this with { View = snapshot.View };

    /// <summary>The column of each <c>dateField</c> value; the key set is also the whitelist.</summary>
    public static readonly IReadOnlyDictionary<string, string> DateColumns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["charged"] = "charged_on",
        ["activityStart"] = "activity_start",
        ["resolved"] = "resolved_on",
    };

    /// <summary>The values of <see cref="Alignment"/>; the first is the default.</summary>
    public static readonly IReadOnlyList<string> Alignments = ["sectors", "dated"];

    /// <summary>The column behind <see cref="DateField"/> (call after validation).</summary>
    public string DateColumn => DateColumns[DateField ?? "charged"];

    /// <summary>
    /// SQL for "this case aligns with some policy document", over the columns of the case whose alias (with its dot, or
    /// empty) is <paramref name="row"/>. By sectors: the same definition as cardinality(aligned_policies(…)) > 0, read
    /// from the view's mapping, but as one array overlap against the mapped sectors (computed once per statement) instead
    /// of a function call per row, which measured 10x slower over 100,000 cases. Dated: a document of a mapped sector
    /// must also have been published in a year before the case's start (<see cref="Alignment"/>).
    /// </summary>
    public SqlFragment AlignedSql(string row) => Alignment == "dated"
        ? SqlFragment.Of($"""
            EXISTS (SELECT 1 FROM {View.Table("policy_document_sectors")} ps JOIN {View.Table("policy_documents")} pd ON pd.code = ps.policy_code
                    WHERE ps.sector_code = ANY({SqlFragment.Raw(row)}sectors) AND {PublishedBeforeSql(row, "pd.year")})
            """)
        : SqlFragment.Of($"{SqlFragment.Raw(row)}sectors && ARRAY(SELECT sector_code::text FROM {View.Table("policy_document_sectors")})");

    /// <summary>
    /// With alignment=dated, "the document of this year was published before the case began" (the year before the year of
    /// activityStart, else of chargedOn: both may be known to the year only, so an earlier year is the only certain
    /// "before"); with the default, always true.
    /// </summary>
    public SqlFragment PublishedBeforeSql(string row, string documentYear) => Alignment == "dated"
        ? SqlFragment.Raw($"{documentYear} < extract(year from coalesce({row}activity_start, {row}charged_on))")
        : SqlFragment.Raw("TRUE");

    /// <summary>The values of a repeatable field, with comma-separated values split (codes never contain commas).</summary>
    public static string[] Values(string[]? raw) =>
        raw is null
            ? []
            : [.. raw.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The filter as a SQL condition on the alias <c>c</c> of the cases table. Every value travels as a parameter of its
    /// own fragment; only fixed text and whitelisted column names are spliced in. Other read features (statistics,
    /// coverage) build their SQL around this; EF queries start from <see cref="Apply"/>.
    /// </summary>
    // The lineage walk's depth bound, spliced in as text: a constant, not a value, so the statement's text stays fixed.
    private static readonly string MaxDepthText = ReferenceData.Sponsor.MaxDepth.ToString(CultureInfo.InvariantCulture);

    public SqlFragment ToSql()
    {
        var sql = SqlFragment.Raw("TRUE");
        void And(SqlFragment condition) => sql += SqlFragment.Of($" AND {condition}");
        // Arrays match with &&, which the GIN index on each array column serves.
        void Overlap(string column, string[]? raw)
        {
            if (Values(raw) is { Length: > 0 } values) And(SqlFragment.Of($"{SqlFragment.Raw($"c.{column}")} && {values}"));
        }
        void AnyOf(string column, string[]? raw)
        {
            if (Values(raw) is { Length: > 0 } values) And(SqlFragment.Of($"{SqlFragment.Raw($"c.{column}")} = ANY({values})"));
        }
        var dated = SqlFragment.Raw($"c.{DateColumn}");
        // Cases linked to any of the entities (ids or slugs) in the role, through the link table of the view; a merged entity
        // stands for the one it was merged into (its links moved there).
        void Linked(string[]? raw, string? role)
        {
            if (Values(raw) is not { Length: > 0 } values) return;
            var ids = values.Select(v => Guid.TryParse(v, out var id) ? id : (Guid?)null).OfType<Guid>().ToArray();
            var inRole = role is null ? SqlFragment.Empty : SqlFragment.Of($" AND l.role = {role}");
            And(SqlFragment.Of($"""
                c.id IN (SELECT l.case_id FROM {View.Table("case_entities")} l
                         WHERE l.entity_id IN (SELECT coalesce(e.merged_into, e.id) FROM {View.Table("entities")} e
                                               WHERE e.slug = ANY({values}) OR e.id = ANY({ids})){inRole})
                """));
        }

        if (!string.IsNullOrWhiteSpace(Q)) And(SqlFragment.Of($"{View.SearchVector} @@ websearch_to_tsquery('english', {Q})"));
        Overlap("sectors", Sector);
        if (Values(Sponsor) is { Length: > 0 } sponsors)
        {
            And(IncludeChildren == true
                ? SqlFragment.Of($"""
                  c.sponsor_code IN (WITH RECURSIVE tree(code, path) AS (
                      SELECT s.code, ARRAY[s.code::text] FROM {View.Table("sponsors")} s WHERE s.code = ANY({sponsors})
                      UNION ALL SELECT s.code, t.path || s.code::text FROM {View.Table("sponsors")} s JOIN tree t ON s.parent_code = t.code
                      WHERE s.code <> ALL(t.path) AND cardinality(t.path) < {SqlFragment.Raw(MaxDepthText)})
                  SELECT code FROM tree)
                  """)
                : SqlFragment.Of($"c.sponsor_code = ANY({sponsors})"));
        }
        if (Values(SponsorType) is { Length: > 0 } types)
        {
            And(SqlFragment.Of($"c.sponsor_code IN (SELECT s.code FROM {View.Table("sponsors")} s WHERE s.type = ANY({types}))"));
        }
        AnyOf("collector_type", CollectorType);
        Overlap("activity_types", ActivityType);
        Overlap("tradecraft", Tradecraft);
        AnyOf("outcome", Outcome);
        Overlap("us_states", State);
        // Alignment is derived from the editable mapping at query time, through the one definition of it.
        if (Values(Policy) is { Length: > 0 } policies) And(SqlFragment.Of($"{View.AlignedPolicies("c.sectors")} && {policies}"));
        if (Aligned is { } aligned)
        {
            And(aligned ? AlignedSql("c.") : SqlFragment.Of($"NOT ({AlignedSql("c.")})"));
        }
        Overlap("tags", Tag);
        Overlap("listed_in", ListedIn);
        Linked(Entity, null);
        Linked(Defendant, "defendant");
        Linked(Victim, "victim");
        if (From is { } from) And(SqlFragment.Of($"{dated} >= make_date({from}, 1, 1)"));
        if (To is { } to) And(SqlFragment.Of($"{dated} < make_date({to} + 1, 1, 1)"));
        return sql;
    }

    /// <summary>The statement behind <see cref="Apply"/>: the matching cases, and the extra condition (a keyset position).</summary>
    public SqlFragment SelectSql(SqlFragment? extra = null)
    {
        var condition = extra is null ? ToSql() : SqlFragment.Of($"({ToSql()}) AND ({extra})");
        // xmin (the row version) is a system column, which * leaves out.
        return SqlFragment.Of($"{View.SelectCases} WHERE {condition}");
    }

    /// <summary>The matching cases as an EF query to compose on (order, page, project with <see cref="CaseReads.Projection"/>).</summary>
    public IQueryable<Case> Apply(CaseDbContext db, SqlFragment? extra = null) => db.Cases.Query(SelectSql(extra));
}

public sealed class CaseFilterValidator : AbstractValidator<CaseFilter>
{
    public CaseFilterValidator(ReferenceCodes referenceCodes)
    {
        RuleFor(f => f.Q).MaximumLength(500);
        CodesAsync(f => f.Sector, "sector", "/api/v1/sectors", (s, code) => s.Sectors.Contains(code), referenceCodes);
        CodesAsync(f => f.Sponsor, "sponsor", "/api/v1/sponsors", (s, code) => s.Sponsors.ContainsKey(code), referenceCodes);
        Codes(f => f.SponsorType, "sponsor type", CodeLists.SponsorTypes.Contains);
        Codes(f => f.CollectorType, "collector type", CodeLists.CollectorTypes.Contains);
        Codes(f => f.ActivityType, "activity type", CodeLists.ActivityTypes.ContainsKey);
        Codes(f => f.Tradecraft, "tradecraft", CodeLists.Tradecraft.Contains);
        Codes(f => f.Outcome, "outcome", CodeLists.Outcomes.Contains);
        Codes(f => f.State, "USPS state or territory", CodeLists.UsStates.Contains);
        CodesAsync(f => f.Policy, "policy document", "/api/v1/policy-documents", (s, code) => s.PolicyDocuments.Contains(code), referenceCodes);
        Codes(f => f.Tag, "tag (tags are kebab-case)", ReferenceValidation.KebabCase().IsMatch);
        CodesAsync(f => f.ListedIn, "source list", "/api/v1/source-lists", (s, code) => s.SourceLists.Contains(code), referenceCodes);
        RuleFor(f => f.From).InclusiveBetween(1900, 9999);
        RuleFor(f => f.To).InclusiveBetween(1900, 9999)
            .GreaterThanOrEqualTo(f => f.From ?? 0).WithMessage("'to' must not be before 'from'.");
        RuleFor(f => f.DateField).OneOf(CaseFilter.DateColumns.Keys)
            .WithMessage("'{PropertyValue}' is not a date field; use charged, activityStart or resolved.");
        this.AsOfRules(f => f.AsOf, f => f.Release);
        EntityKeys(f => f.Entity);
        EntityKeys(f => f.Defendant);
        EntityKeys(f => f.Victim);
        RuleFor(f => f.Alignment).Must(a => a is null || CaseFilter.Alignments.Contains(a))
            .WithMessage("'{PropertyValue}' is not an alignment; use sectors (the default) or dated.");
    }

    // An entity is named by its id or its slug; one that does not exist matches no case.
    private void EntityKeys(System.Linq.Expressions.Expression<Func<CaseFilter, string[]?>> field) =>
        RuleFor(field).Custom((raw, context) =>
        {
            var malformed = CaseFilter.Values(raw)
                .Where(v => !Guid.TryParse(v, out _) && !(v.Length <= 120 && ReferenceValidation.KebabCase().IsMatch(v)));
            foreach (var key in malformed)
            {
                context.AddFailure($"'{key}' is neither an entity id nor an entity slug; see GET /api/v1/entities.");
            }
        });

    private void Codes(System.Linq.Expressions.Expression<Func<CaseFilter, string[]?>> field, string what, Func<string, bool> known) =>
        RuleFor(field).Custom((raw, context) =>
        {
            foreach (var code in CaseFilter.Values(raw).Where(c => !known(c)))
            {
                context.AddFailure($"'{code}' is not a known {what} code; see GET /api/v1/code-lists.");
            }
        });

    private void CodesAsync(
        System.Linq.Expressions.Expression<Func<CaseFilter, string[]?>> field, string what, string listPath,
        Func<ReferenceCodes.Snapshot, string, bool> known, ReferenceCodes referenceCodes) =>
        RuleFor(field).CustomAsync(async (raw, context, ct) =>
        {
            if (raw is null) return;
            var snapshot = await referenceCodes.GetAsync(ct);
            foreach (var code in CaseFilter.Values(raw).Where(c => !known(snapshot, c)))
            {
                context.AddFailure($"'{code}' is not a {what} code; see GET {listPath}.");
            }
        });
}
