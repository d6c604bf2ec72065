using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace CaseApi.Cases;

/// <summary>What the spreadsheet import and export share: the .xlsx media type, A1-style column names and text escapes.</summary>
internal static partial class Spreadsheet
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

    /// <summary>
    /// Text as a cell carries it: a character XML cannot hold, or a carriage return (XML readers turn CR LF into LF), is
    /// written as _xHHHH_, the escape Excel itself uses (ECMA-376 Part 1, 22.9.2.19), and a literal "_x" that would read
    /// as an escape is itself escaped.
    /// </summary>
    public static string Escape(string text)
    {
        if (text.All(c => c != '\r' && c != '_' && XmlConvert.IsXmlChar(c))) return text;
        var escaped = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c)) escaped.Append(text, i++, 2);
            else if (c == '\r' || !XmlConvert.IsXmlChar(c) || (c == '_' && EscapeAt().IsMatch(text, i)))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"_x{(int)c:X4}_");
            }
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    /// <summary>The inverse of <see cref="Escape"/>, as Excel reads a cell's text.</summary>
    public static string Unescape(string text) =>
        text.Contains("_x", StringComparison.Ordinal)
            ? Escaped().Replace(text, m => ((char)int.Parse(m.Groups[1].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString())
            : text;

    [GeneratedRegex("_x([0-9A-Fa-f]{4})_")]
    private static partial Regex Escaped();

    [GeneratedRegex("\\G_x[0-9A-Fa-f]{4}_")]
    private static partial Regex EscapeAt();
}
