using System.Text.RegularExpressions;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Examples;

public sealed record DocCurl(string File, string Command);

/// <summary>The curl commands of README.md and docs/**/*.md: fenced sh/bash/shell/console blocks, continuations joined.</summary>
public static partial class DocCurls
{
    public static IReadOnlyList<DocCurl> Find()
    {
        IEnumerable<string> docs = Directory.Exists(RepositoryFiles.PathOf("docs"))
            ? Directory.EnumerateFiles(RepositoryFiles.PathOf("docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
        return
        [
            .. from file in docs.Prepend(RepositoryFiles.PathOf("README.md"))
               from block in FencedShell().Matches(File.ReadAllText(file).ReplaceLineEndings("\n")).Select(m => m.Groups[1].Value).ToList()
               from line in Commands(block)
               let command = line.Trim().TrimStart('$', ' ')
               where command.StartsWith("curl ", StringComparison.Ordinal)
               select new DocCurl(Path.GetRelativePath(RepositoryFiles.Root, file), command),
        ];
    }

    /// <summary>The block's commands: backslash continuations joined, and a quoted argument kept whole across lines.</summary>
    private static List<string> Commands(string block)
    {
        var commands = new List<string>();
        var current = "";
        foreach (var line in block.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
        {
            current = current.Length == 0 ? line : $"{current}\n{line}";
            if (current.Count(c => c == '\'') % 2 == 0)
            {
                commands.Add(current);
                current = "";
            }
        }
        if (current.Length > 0) commands.Add(current);
        return commands;
    }

    /// <summary>A placeholder the reader must fill in (&lt;id&gt;, {id}, …) rather than a command to run as it stands.</summary>
    public static bool IsPlaceholder(string command) => Placeholder().IsMatch(command);

    [GeneratedRegex(@"^```(?:sh|bash|shell|console)[^\n]*\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedShell();

    [GeneratedRegex(@"<[a-z][a-z-]*>|\{[a-z]+\}|\.\.\.|…|paste-", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();
}
