using System.Text;
using AnyAscii;

namespace CaseApi.Linkage;

/// <summary>
/// The one place text becomes comparable: Unicode transliterated to ASCII (AnyAscii, so "Núñez" is "Nunez", "Øster" is
/// "Oster", "Weiß" is "Weiss" and Han characters become pinyin), lower case, apostrophes dropped ("O'Brien" is "obrien")
/// and every other character that is not a letter or digit a word break.
/// </summary>
public static class TextFolding
{
    /// <summary>ASCII transliteration only: punctuation stays, so name parsing can still see commas, periods and hyphens.</summary>
    public static string ToAscii(string text) => text.Transliterate();

    /// <summary>The folded words of <paramref name="text"/>, in order.</summary>
    public static IReadOnlyList<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in ToAscii(text))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (c is not '\'' and not '`')
            {
                Flush();
            }
        }
        Flush();
        return words;

        void Flush()
        {
            if (word.Length == 0) return;
            words.Add(word.ToString());
            word.Clear();
        }
    }

    /// <summary>The folded words joined by single spaces.</summary>
    public static string Fold(string? text) => string.Join(' ', Words(text));
}
