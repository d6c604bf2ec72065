namespace CaseApi.Cases;

/// <summary>What the spreadsheet import and export share: the .xlsx media type and A1-style column names.</summary>
internal static class SpreadsheetColumns
{
    public const string MediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The letters of a 0-based column: 0 is A, 26 is AA.</summary>
    public static string Name(int index)
    {
        var name = "";
        for (index++; index > 0; index = (index - 1) / 26) name = (char)('A' + (index - 1) % 26) + name;
        return name;
    }

    /// <summary>The 0-based column of a cell reference such as "AB12".</summary>
    public static int Index(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c)) break;
            index = index * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        }
        return Math.Max(index - 1, 0);
    }
}
