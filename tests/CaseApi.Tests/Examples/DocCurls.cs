using System.Text.RegularExpressions;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Examples;

public sealed record DocCurl(string File, string Command);

/// <summary>
/// The shell examples of README.md and docs/**/*.md that call the API: each fenced sh/bash/shell/console block holding a
/// curl, as a whole script, so that pipes into curl, variables and clean-up steps run as a reader runs them.
/// </summary>
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
               let script = string.Join('\n', block.Split('\n').Select(line => line.StartsWith("$ ", StringComparison.Ordinal) ? line[2..] : line))
               where CurlCall().IsMatch(script)
               select new DocCurl(Path.GetRelativePath(RepositoryFiles.Root, file), script),
        ];
    }

    /// <summary>A placeholder the reader must fill in (&lt;id&gt;, {id}, …) rather than a command to run as it stands.</summary>
    public static bool IsPlaceholder(string command) => Placeholder().IsMatch(command);

    [GeneratedRegex(@"^```(?:sh|bash|shell|console)[^\n]*\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedShell();

    [GeneratedRegex(@"(^|[|(;&]\s*)curl\s", RegexOptions.Multiline)]
    private static partial Regex CurlCall();

    [GeneratedRegex(@"<[a-z][a-z-]*>|\{[a-z]+\}|\.\.\.|…|paste-", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();
}
