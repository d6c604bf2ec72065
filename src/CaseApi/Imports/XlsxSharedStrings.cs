using System.Text;

namespace CaseApi.Imports;

/// <summary>
/// The shared strings of an .xlsx, kept on disk while its sheet is read: cells refer to them by index, in any order, so
/// they must stay at hand until the last row, and an Excel-saved workbook keeps nearly all its text there. Held as .NET
/// strings, the caps an honest 100,000-case workbook needs would fill the heap (two bytes a character, plus an object a
/// string); here each costs its UTF-8 bytes in a temporary file that is deleted on close and eight bytes of offset in
/// memory. A cell's lookup reads its bytes back, from the page cache while the file is warm.
/// </summary>
internal sealed class XlsxSharedStrings : IAsyncDisposable
{
    private readonly FileStream file = new(
        Path.Combine(Path.GetTempPath(), $"caseapi-import-{Guid.NewGuid():N}.strings"), FileMode.CreateNew, FileAccess.ReadWrite,
        FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);

    private readonly List<long> ends = [];
    private bool buffered;

    public int Count => ends.Count;

    public void Add(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        file.Write(bytes);
        ends.Add(file.Position);
        buffered = true;
    }

    /// <summary>The string at an index, or null for an index the table does not have.</summary>
    public string? this[int index]
    {
        get
        {
            if (index < 0 || index >= ends.Count) return null;
            var start = index == 0 ? 0 : ends[index - 1];
            var length = (int)(ends[index] - start);
            if (length == 0) return "";
            if (buffered)
            {
                // Read through the handle, past the stream's buffer: what is still in the buffer goes to the file first.
                file.Flush();
                buffered = false;
            }
            var bytes = new byte[length];
            var read = 0;
            while (read < length) read += RandomAccess.Read(file.SafeFileHandle, bytes.AsSpan(read), start + read);
            return Encoding.UTF8.GetString(bytes);
        }
    }

    public ValueTask DisposeAsync() => file.DisposeAsync();
}
