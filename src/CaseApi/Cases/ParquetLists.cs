using Parquet;
using Parquet.Schema;

namespace CaseApi.Cases;

/// <summary>How every export writes a list of strings to Parquet (the case export's list columns, the entity export's aliases).</summary>
internal static class ParquetLists
{
    /// <summary>
    /// A list column in Parquet's three-level shape: each row's strings one after another, a repetition level of 0 where
    /// a row starts, and an empty list as one definition level short of an element (so it reads back empty, not null).
    /// </summary>
    public static Task WriteAsync(ParquetRowGroupWriter rows, DataField element, IEnumerable<IReadOnlyList<string>?> lists, CancellationToken ct)
    {
        var values = new List<ReadOnlyMemory<char>>();
        var definitions = new List<int>();
        var repetitions = new List<int>();
        foreach (var row in lists)
        {
            var list = row ?? [];
            if (list.Count == 0)
            {
                definitions.Add(element.MaxDefinitionLevel - 1);
                repetitions.Add(0);
            }
            for (var i = 0; i < list.Count; i++)
            {
                values.Add(list[i].AsMemory());
                definitions.Add(element.MaxDefinitionLevel);
                repetitions.Add(i == 0 ? 0 : element.MaxRepetitionLevel);
            }
        }
        return rows.WriteAllPartsAsync<ReadOnlyMemory<char>>(element, values.ToArray(), definitions.ToArray(), repetitions.ToArray(), ct);
    }
}
