using Parquet;
using Parquet.Schema;

namespace CaseApi.Cases;

/// <summary>
/// How every export writes Parquet: rows in groups of <see cref="RowGroupRows"/>, each group drained to the response
/// before the next is read (memory stays flat), and lists of strings (the case export's list columns, the entity
/// export's aliases).
/// </summary>
internal static class ParquetLists
{
    private const int RowGroupRows = 5_000;

    /// <summary>Streams <paramref name="rows"/> as one Parquet file; <paramref name="writeGroup"/> writes one row group's columns.</summary>
    public static async Task WriteFileAsync<T>(Stream body, ParquetSchema schema, IAsyncEnumerable<T> rows,
        Func<ParquetWriter, List<T>, CancellationToken, Task> writeGroup, CancellationToken ct)
    {
        await using var buffer = new ExportBuffer();
        await using (var writer = await ParquetWriter.CreateAsync(schema, buffer, cancellationToken: ct))
        {
            var group = new List<T>(RowGroupRows);
            await foreach (var row in rows.WithCancellation(ct))
            {
                group.Add(row);
                if (group.Count < RowGroupRows) continue;
                await writeGroup(writer, group, ct);
                group.Clear();
                await buffer.DrainAsync(body, ct);
            }
            if (group.Count > 0) await writeGroup(writer, group, ct);
        }
        await buffer.DrainAsync(body, ct);
    }

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
