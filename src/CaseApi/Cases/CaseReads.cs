using System.Linq.Expressions;
using System.Reflection;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Cases;

/// <summary>How a case is found and how it is shown, in the current store or as of a history position.</summary>
internal static class CaseReads
{
    /// <summary>The one identifier rule of /cases/{id}: a UUID is an id, anything else a slug.</summary>
    public static Expression<Func<Case, bool>> Matching(string idOrSlug) =>
        Guid.TryParse(idOrSlug, out var id) ? c => c.Id == id : c => c.Slug == idOrSlug;

    /// <summary>One case as the API shows it, from the store the view reads; null when there is none.</summary>
    public static Task<CaseResponse?> FindAsync(CaseDbContext db, StoreView view, string idOrSlug, CancellationToken ct) =>
        view.Position is null
            ? FindAsync(db, idOrSlug, ct)
            : view.CaseAsOf(db, idOrSlug).Select(Projection(view)).SingleOrDefaultAsync(ct);

    /// <summary>One case of the current store as the API shows it (read-after-write on the writing context).</summary>
    public static Task<CaseResponse?> FindAsync(CaseDbContext db, string idOrSlug, CancellationToken ct) =>
        Guid.TryParse(idOrSlug, out var id) ? FindById(db, id, ct) : FindBySlug(db, idOrSlug, ct);

    // Compiled once: the hottest read skips LINQ translation and the query-cache lookup on every request
    // (docs/design.md holds GET /cases/{id} to within 2x of a raw primary-key lookup).
    private static readonly Func<CaseDbContext, Guid, CancellationToken, Task<CaseResponse?>> FindById = EF.CompileAsyncQuery(
        (CaseDbContext db, Guid id, CancellationToken ct) => db.Cases.AsNoTracking().Where(c => c.Id == id).Select(CaseResponse.Projection)
            .SingleOrDefault());

    private static readonly Func<CaseDbContext, string, CancellationToken, Task<CaseResponse?>> FindBySlug = EF.CompileAsyncQuery(
        (CaseDbContext db, string slug, CancellationToken ct) => db.Cases.AsNoTracking().Where(c => c.Slug == slug).Select(CaseResponse.Projection)
            .SingleOrDefault());

    /// <summary><see cref="CaseResponse.Projection"/> with the policy alignment derived from the view's mapping.</summary>
    public static Expression<Func<Case, CaseResponse>> Projection(StoreView view) => view.Position is { } position
        ? (Expression<Func<Case, CaseResponse>>)new AlignmentAsOf(position).Visit(CaseResponse.Projection)
        : CaseResponse.Projection;

    private static readonly Func<Case, string[], CaseResponse> Show = CaseResponse.Shown.Compile();

    /// <summary>
    /// A stored case (a row of the history) as the API shows it with the given alignment: the same mapping as
    /// <see cref="Projection"/>, for rows whose alignment was computed with them (the change feed's, each as of its own position).
    /// </summary>
    public static CaseResponse Shown(Case stored, string[] alignedPolicies) => Show(stored, alignedPolicies);

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
