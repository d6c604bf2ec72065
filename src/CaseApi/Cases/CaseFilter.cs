using System.Text;
using CaseApi.Infrastructure.Data;
using CaseApi.ReferenceData;
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
/// <param name="DateField">The date <c>from</c>/<c>to</c> (and the statistics' <c>year</c>) use: charged (default), activityStart or resolved.</param>
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
    string? DateField)
{
    /// <summary>The column of each <c>dateField</c> value; the key set is also the whitelist.</summary>
    public static readonly IReadOnlyDictionary<string, string> DateColumns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["charged"] = "charged_on",
        ["activityStart"] = "activity_start",
        ["resolved"] = "resolved_on",
    };

    /// <summary>The column behind <see cref="DateField"/> (call after validation).</summary>
    public string DateColumn => DateColumns[DateField ?? "charged"];

    /// <summary>
    /// SQL for "these sectors align with some policy document": the same definition as cardinality(aligned_policies(…)) > 0,
    /// read from the live mapping, but as one array overlap against the mapped sectors (computed once per statement)
    /// instead of a function call per row, which measured 10x slower over 100,000 cases.
    /// </summary>
    public static string AlignedSql(string sectors) => $"{sectors} && ARRAY(SELECT sector_code::text FROM policy_document_sectors)";

    /// <summary>The values of a repeatable field, with comma-separated values split (codes never contain commas).</summary>
    public static string[] Values(string[]? raw) =>
        raw is null ? [] : [.. raw.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The filter as a SQL condition on the alias <c>c</c> of the cases table, with its parameters. Every value travels
    /// as a parameter; only fixed fragments and whitelisted column names are spliced in. Other read features
    /// (statistics, coverage) build their SQL around this; EF queries start from <see cref="Apply"/>.
    /// </summary>
    public SqlCondition ToSql()
    {
        var sql = new StringBuilder("TRUE");
        var parameters = new List<KeyValuePair<string, object>>();
        void Add(string condition, string name, object value)
        {
            sql.Append(" AND ").Append(condition);
            parameters.Add(new(name, value));
        }
        void Overlap(string column, string name, string[]? raw)
        {
            // Arrays match with &&, which the GIN index on each array column serves.
            if (Values(raw) is { Length: > 0 } values) Add($"c.{column} && @{name}", name, values);
        }
        void AnyOf(string column, string name, string[]? raw)
        {
            if (Values(raw) is { Length: > 0 } values) Add($"c.{column} = ANY(@{name})", name, values);
        }

        if (!string.IsNullOrWhiteSpace(Q)) Add("c.search_vector @@ websearch_to_tsquery('english', @f_q)", "f_q", Q);
        Overlap("sectors", "f_sector", Sector);
        if (Values(Sponsor) is { Length: > 0 } sponsors)
        {
            Add(IncludeChildren == true
                ? $"""
                  c.sponsor_code IN (WITH RECURSIVE tree(code, path) AS (
                      SELECT s.code, ARRAY[s.code::text] FROM sponsors s WHERE s.code = ANY(@f_sponsor)
                      UNION ALL SELECT s.code, t.path || s.code::text FROM sponsors s JOIN tree t ON s.parent_code = t.code
                      WHERE s.code <> ALL(t.path) AND cardinality(t.path) < {ReferenceData.Sponsor.MaxDepth})
                  SELECT code FROM tree)
                  """
                : "c.sponsor_code = ANY(@f_sponsor)", "f_sponsor", sponsors);
        }
        if (Values(SponsorType) is { Length: > 0 } types)
        {
            Add("c.sponsor_code IN (SELECT s.code FROM sponsors s WHERE s.type = ANY(@f_sponsor_type))", "f_sponsor_type", types);
        }
        AnyOf("collector_type", "f_collector_type", CollectorType);
        Overlap("activity_types", "f_activity_type", ActivityType);
        Overlap("tradecraft", "f_tradecraft", Tradecraft);
        AnyOf("outcome", "f_outcome", Outcome);
        Overlap("us_states", "f_state", State);
        // Alignment is derived from the editable mapping at query time, through the one definition of it.
        if (Values(Policy) is { Length: > 0 } policies) Add("aligned_policies(c.sectors) && @f_policy", "f_policy", policies);
        if (Aligned is { } aligned)
        {
            sql.Append(aligned ? $" AND {AlignedSql("c.sectors")}" : $" AND NOT ({AlignedSql("c.sectors")})");
        }
        Overlap("tags", "f_tag", Tag);
        Overlap("listed_in", "f_listed_in", ListedIn);
        if (From is { } from) Add($"c.{DateColumn} >= make_date(@f_from, 1, 1)", "f_from", from);
        if (To is { } to) Add($"c.{DateColumn} < make_date(@f_to + 1, 1, 1)", "f_to", to);

        return new SqlCondition(sql.ToString(), parameters);
    }

    /// <summary>The matching cases as an EF query to compose on (order, page, project).</summary>
    public IQueryable<Case> Apply(CaseDbContext db, SqlCondition? extra = null)
    {
        var condition = ToSql();
        if (extra is not null) condition = condition.And(extra);
        // Only fixed fragments and whitelisted column names are in the text; every value is a parameter.
        // xmin (the row version) is a system column, which * leaves out.
#pragma warning disable EF1002
        return db.Cases.FromSqlRaw($"SELECT c.*, c.xmin FROM cases c WHERE {condition.Sql}", condition.CreateParameters());
#pragma warning restore EF1002
    }
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
        RuleFor(f => f.DateField).Must(d => d is null || CaseFilter.DateColumns.ContainsKey(d))
            .WithMessage("'{PropertyValue}' is not a date field; use charged, activityStart or resolved.");
    }

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
