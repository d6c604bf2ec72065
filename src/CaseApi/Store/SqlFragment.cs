using System.Collections.Immutable;
using System.Text;
using Npgsql;

namespace CaseApi.Store;

/// <summary>
/// A piece of SQL that carries its values with it, modelled on PostgREST's <c>Snippet</c>: an interpolated value
/// becomes a parameter inside its own fragment, so text and arguments can never drift apart, and fragments join with
/// <c>+</c>. Text comes only from the code: the literal parts of <see cref="Of"/> and whitelisted names passed to
/// <see cref="Raw"/>. <see cref="Render"/> numbers the parameters afresh for each command, since Npgsql binds a
/// parameter object to one command.
/// </summary>
public sealed class SqlFragment
{
    private readonly ImmutableArray<object> parts;

    private SqlFragment(ImmutableArray<object> parts) => this.parts = parts;

    public static SqlFragment Empty { get; } = new([]);

    /// <summary>Fixed SQL text: a constant of the code or a name taken from a whitelist, never a client's words.</summary>
    public static SqlFragment Raw(string text) => new([text]);

    /// <summary>SQL text in which every interpolated value is a parameter and every interpolated fragment is spliced in.</summary>
    public static SqlFragment Of(SqlInterpolation sql) => new(sql.ToParts());

    public static SqlFragment operator +(SqlFragment left, SqlFragment right) => new(left.parts.AddRange(right.parts));

    public static SqlFragment Add(SqlFragment left, SqlFragment right) => left + right;

    public bool IsEmpty => parts.IsEmpty;

    /// <summary>The non-empty fragments with the separator between them.</summary>
    public static SqlFragment Join(string separator, IEnumerable<SqlFragment> fragments) =>
        fragments.Where(f => !f.IsEmpty)
            .Aggregate((SqlFragment?)null, (joined, next) => joined is null ? next : joined + Raw(separator) + next) ?? Empty;

    /// <summary>The text with named parameters <c>@p_1</c>, <c>@p_2</c> … (names EF Core never generates) and those parameters.</summary>
    public (string Text, NpgsqlParameter[] Parameters) Render()
    {
        var text = new StringBuilder();
        var parameters = new List<NpgsqlParameter>();
        foreach (var part in parts)
        {
            if (part is string literal)
            {
                text.Append(literal);
                continue;
            }
            var name = $"p_{parameters.Count + 1}";
            text.Append('@').Append(name);
            parameters.Add(new NpgsqlParameter(name, ((Value)part).Data ?? DBNull.Value));
        }
        return (text.ToString(), [.. parameters]);
    }

    public override string ToString() => Render().Text;

    internal sealed record Value(object? Data);

    internal static void AppendTo(ImmutableArray<object>.Builder builder, SqlFragment fragment) => builder.AddRange(fragment.parts);
}
