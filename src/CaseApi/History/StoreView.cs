using System.Collections.Frozen;
using System.Linq.Expressions;
using System.Reflection;
using CaseApi.Cases;
using CaseApi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.History;

/// <summary>
/// The store a read answers from: the current tables, or the tables as they were at a history position, rebuilt by the
/// <c>&lt;table&gt;_as_of(position)</c> functions of the migration Releases. Every query over many cases takes its tables,
/// the policy alignment and the case projection from here, so <c>asOf</c> and <c>release</c> are one mechanism for all reads.
/// </summary>
public sealed record StoreView(long? Position)
{
    public static StoreView Current { get; } = new((long?)null);

    public static StoreView AsOf(long position) => new(position);

    private static readonly FrozenSet<string> Rebuilt = FrozenSet.Create(StringComparer.Ordinal,
        "cases", "sectors", "sponsors", "source_lists", "policy_documents", "policy_document_sectors");

    /// <summary>A table as a FROM item (<c>{view.Table("sectors")} s</c>): itself, or its rows as of the position.</summary>
    public SqlFragment Table(string table)
    {
        if (!Rebuilt.Contains(table)) throw new ArgumentOutOfRangeException(nameof(table), table, "The history rebuilds no such table.");
        return Position is { } position ? SqlFragment.Of($"{SqlFragment.Raw(table)}_as_of({position})") : SqlFragment.Raw(table);
    }

    /// <summary>The cases with their row version, for EF; a rebuilt row has none (0), so as-of ETags come from the position.</summary>
    public SqlFragment SelectCases => Position is null
        ? SqlFragment.Raw("SELECT c.*, c.xmin FROM cases c")
        : SqlFragment.Of($"SELECT c.*, '0'::xid AS xmin FROM {Table("cases")} c");

    /// <summary>aligned_policies(sectors) over this view's mapping; <paramref name="sectors"/> is fixed SQL (a column).</summary>
    public SqlFragment AlignedPolicies(string sectors) => Position is { } position
        ? SqlFragment.Of($"aligned_policies_as_of({SqlFragment.Raw(sectors)}, {position})")
        : SqlFragment.Raw($"aligned_policies({sectors})");

    /// <summary>The cases as an EF query to compose on.</summary>
    public IQueryable<Case> Cases(CaseDbContext db) => Position is null ? db.Cases.AsNoTracking() : From(db.Cases, SelectCases);

    /// <summary>A reference table's rows as an EF query (<c>view.Rows(db.SourceLists, "source_lists")</c>).</summary>
    public IQueryable<T> Rows<T>(DbSet<T> set, string table) where T : class =>
        Position is null ? set.AsNoTracking() : From(set, SqlFragment.Of($"SELECT * FROM {Table(table)}"));

    private static IQueryable<T> From<T>(DbSet<T> set, SqlFragment select) where T : class
    {
        var (sql, parameters) = select.Render();
        return set.FromSqlRaw(sql, [.. parameters]).AsNoTracking();
    }

    /// <summary><see cref="CaseResponse.Projection"/> with the policy alignment derived from this view's mapping.</summary>
    public Expression<Func<Case, CaseResponse>> Projection => Position is { } position
        ? (Expression<Func<Case, CaseResponse>>)new AlignmentAsOf(position).Visit(CaseResponse.Projection)
        : CaseResponse.Projection;

    private sealed class AlignmentAsOf(long position) : ExpressionVisitor
    {
        private static readonly MethodInfo Current = typeof(CaseDbContext).GetMethod(nameof(CaseDbContext.AlignedPolicies))!;
        private static readonly MethodInfo AsOf = typeof(CaseDbContext).GetMethod(nameof(CaseDbContext.AlignedPoliciesAsOf))!;

        // A captured variable, not a constant: EF sends it as a parameter, so one cached plan serves every position.
        private readonly Expression at = ((Expression<Func<long>>)(() => position)).Body;

        protected override Expression VisitMethodCall(MethodCallExpression node) => node.Method == Current
            ? Expression.Call(AsOf, Visit(node.Arguments[0]), at)
            : base.VisitMethodCall(node);
    }
}
