using System.Globalization;
using CaseApi.Cases;
using CaseApi.Store;
using Npgsql;

namespace CaseApi.Tests.Store;

/// <summary>What the tests that pin generated SQL share.</summary>
internal static class SqlPins
{
    /// <summary>sector=aerospace,space&amp;outcome=convicted&amp;from=2010.</summary>
    public static readonly CaseFilter AerospaceConvictions = new(
        null, ["aerospace", "space"], null, null, null, null, null, null, ["convicted"], null, null, null, null, null, 2010, null, null)
    {
        View = StoreView.Current,
    };

    /// <summary>The values in order, arrays as comma-separated lists: "turbine | aerospace,space | 2010".</summary>
    public static string Describe(IEnumerable<NpgsqlParameter> parameters) =>
        string.Join(" | ", parameters.Select(p => p.Value is string[] values
            ? string.Join(',', values)
            : Convert.ToString(p.Value, CultureInfo.InvariantCulture)));
}
