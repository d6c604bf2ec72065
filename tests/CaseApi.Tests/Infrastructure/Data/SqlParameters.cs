using System.Globalization;
using Npgsql;

namespace CaseApi.Tests.Infrastructure.Data;

internal static class SqlParameters
{
    /// <summary>The values in order, arrays as comma-separated lists: "turbine | aerospace,space | 2010".</summary>
    public static string Describe(IEnumerable<NpgsqlParameter> parameters) =>
        string.Join(" | ", parameters.Select(p => p.Value is string[] values
            ? string.Join(',', values)
            : Convert.ToString(p.Value, CultureInfo.InvariantCulture)));
}
