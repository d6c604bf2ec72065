using Npgsql;

namespace CaseApi.Infrastructure.Data;

/// <summary>A SQL condition and its named parameters. Parameters are created afresh for each command, since Npgsql binds a parameter object to one command.</summary>
public sealed record SqlCondition(string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters)
{
    public SqlCondition And(SqlCondition other) => new($"({Sql}) AND ({other.Sql})", [.. Parameters, .. other.Parameters]);

    public object[] CreateParameters() => [.. Parameters.Select(p => new NpgsqlParameter(p.Key, p.Value))];
}
