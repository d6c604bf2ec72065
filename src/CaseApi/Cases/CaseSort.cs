using System.Globalization;
using System.Linq.Expressions;
using CaseApi.Infrastructure.Paging;
using CaseApi.Store;

namespace CaseApi.Cases;

/// <summary>
/// A sort of the case list (<c>title</c>, <c>chargedOn</c>, …; <c>-</c> for descending) and its keyset: rows are
/// ordered by (key, id) with undated cases last in both directions, and a page continues strictly after the last
/// row of the previous one, so cases inserted meanwhile can neither shift a case onto a second page nor hide one.
/// </summary>
internal sealed class CaseSort
{
    public const string Default = "-chargedOn";

    private static readonly Dictionary<string, Key> Keys = new(StringComparer.Ordinal)
    {
        ["title"] = Key.For("title", c => c.Title, null, r => r.Title, v => v),
        ["chargedOn"] = Key.For("charged_on", c => c.ChargedOn, c => c.ChargedOn == null, r => StoredDate(r.ChargedOn), ParseDate),
        ["resolvedOn"] = Key.For("resolved_on", c => c.ResolvedOn, c => c.ResolvedOn == null, r => StoredDate(r.ResolvedOn), ParseDate),
        ["createdAt"] = Key.For("created_at", c => c.CreatedAt, null, r => Timestamp(r.CreatedAt), ParseTimestamp),
        ["updatedAt"] = Key.For("updated_at", c => c.UpdatedAt, null, r => Timestamp(r.UpdatedAt), ParseTimestamp),
    };

    public static IEnumerable<string> Names => Keys.Keys;

    private readonly Key key;

    private CaseSort(string name, bool descending, Key key)
    {
        Name = name;
        Descending = descending;
        this.key = key;
    }

    /// <summary>The sort as the client wrote it, e.g. "-chargedOn"; cursors remember it.</summary>
    public string Name { get; }

    public bool Descending { get; }

    public static bool TryParse(string? text, out CaseSort? sort)
    {
        text ??= Default;
        var descending = text.StartsWith('-');
        sort = Keys.TryGetValue(descending ? text[1..] : text, out var key) ? new CaseSort(text, descending, key) : null;
        return sort is not null;
    }

    public IOrderedQueryable<Case> Order(IQueryable<Case> cases) => key.Order(cases, Descending);

    /// <summary>The column this sort reads.</summary>
    public string Column => key.Column;

    /// <summary>
    /// The order of <see cref="Order"/> as SQL on the alias c: undated last, then the key, then the id. For statements
    /// EF does not compose (ListCount.PageWithTotalSql); ListCountTests pages every sort both ways to keep the two alike.
    /// </summary>
    public SqlFragment OrderSql()
    {
        var direction = Descending ? " DESC" : "";
        var column = $"c.{key.Column}";
        return SqlFragment.Raw(key.IsNull is null
            ? $"{column}{direction}, c.id{direction}"
            : $"{column} IS NULL, {column}{direction}, c.id{direction}");
    }

    public KeysetCursor CursorAfter(CaseResponse last) => new(Name, key.ValueOf(last), last.Id);

    /// <summary>True when the cursor was made by this sort and its value parses as this key's type.</summary>
    public bool Accepts(KeysetCursor cursor) =>
        cursor.Sort == Name && (cursor.Value is null ? key.IsNull is not null : key.Parse(cursor.Value) is not null);

    /// <summary>The rows strictly after the cursor in this order, as SQL on the alias c.</summary>
    public SqlFragment After(KeysetCursor cursor)
    {
        var op = SqlFragment.Raw(Descending ? "<" : ">");
        var column = SqlFragment.Raw($"c.{key.Column}");
        if (cursor.Value is null) return SqlFragment.Of($"{column} IS NULL AND c.id {op} {cursor.Id}");
        var value = key.Parse(cursor.Value)!;
        return SqlFragment.Of($"({column} {op} {value} OR ({column} = {value} AND c.id {op} {cursor.Id}) OR {column} IS NULL)");
    }

    private static string? StoredDate(string? partialDate) =>
        PartialDate.TryParse(partialDate, out var date) ? date.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;

    private static object? ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static object? ParseTimestamp(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value) ? value.ToUniversalTime() : null;

    private sealed record Key(
        string Column,
        Func<IQueryable<Case>, bool, IOrderedQueryable<Case>> Order,
        Expression<Func<Case, bool>>? IsNull,
        Func<CaseResponse, string?> ValueOf,
        Func<string, object?> Parse)
    {
        public static Key For<T>(
            string column, Expression<Func<Case, T>> value, Expression<Func<Case, bool>>? isNull,
            Func<CaseResponse, string?> valueOf, Func<string, object?> parse) =>
            new(column, (cases, descending) =>
            {
                // Nulls last either way: "newest charge first" must not open with the undated cases.
                var ordered = isNull is null
                    ? descending ? cases.OrderByDescending(value) : cases.OrderBy(value)
                    : descending ? cases.OrderBy(isNull).ThenByDescending(value) : cases.OrderBy(isNull).ThenBy(value);
                return descending ? ordered.ThenByDescending(c => c.Id) : ordered.ThenBy(c => c.Id);
            }, isNull, valueOf, parse);
    }
}
