using System.Text.RegularExpressions;

namespace CaseApi.Tests.Infrastructure;

/// <summary>The repository stands on its own and keeps the line length the team agreed.</summary>
public sealed partial class RepositoryFilesTests
{
    public const int MaxLineLength = 150;

    [Fact]
    public void No_tracked_file_refers_outside_the_repository()
    {
        var offending = RepositoryFiles.Tracked()
            .Where(RepositoryFiles.IsText)
            .SelectMany(path => RepositoryFiles.Read(path).Split('\n').Select((line, i) => (path, number: i + 1, line)))
            .Where(l => OutsideReference().IsMatch(l.line) && l.path != ThisFile)
            .Select(l => $"{l.path}:{l.number}: {l.line.Trim()}")
            .ToList();

        Assert.True(offending.Count == 0, "These lines point outside the repository:\n" + string.Join('\n', offending));
    }

    [Fact]
    public void No_markdown_link_leaves_the_repository()
    {
        var root = Path.GetFullPath(RepositoryFiles.Root) + Path.DirectorySeparatorChar;
        var offending =
            from path in RepositoryFiles.Tracked().Where(p => p.EndsWith(".md", StringComparison.Ordinal))
            from match in MarkdownLink().Matches(RepositoryFiles.Read(path))
            let target = match.Groups["target"].Value
            where !target.Contains("://", StringComparison.Ordinal) && !target.StartsWith('#') && !target.StartsWith("mailto:", StringComparison.Ordinal)
            let resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(RepositoryFiles.PathOf(path))!, target.Split('#')[0]))
            where !resolved.StartsWith(root, StringComparison.Ordinal)
            select $"{path}: {target}";

        Assert.Empty(offending);
    }

    [Fact]
    public void Source_lines_are_at_most_150_characters()
    {
        var offending = RepositoryFiles.Tracked()
            .Where(p => p.StartsWith("src/", StringComparison.Ordinal) && p.EndsWith(".cs", StringComparison.Ordinal))
            .Where(p => !p.Contains("/Migrations/", StringComparison.Ordinal))
            .SelectMany(path => RepositoryFiles.Read(path).Split('\n').Select((line, i) => (path, number: i + 1, line)))
            .Where(l => l.line.TrimEnd('\r').Length > MaxLineLength)
            .Select(l => $"{l.path}:{l.number} ({l.line.Length} characters)")
            .ToList();

        Assert.True(offending.Count == 0, $"Lines over {MaxLineLength} characters:\n" + string.Join('\n', offending));
    }

    private const string ThisFile = "tests/CaseApi.Tests/Infrastructure/RepositoryFilesTests.cs";

    // A sibling checkout's shared folder, the outside brief (by name or by its section numbers), or this machine's paths.
    [GeneratedRegex(@"\.\./share[d]|\bDESIGN\.md|\bDESIGN[ ]§|(^|[\s""'(`=])/work/")]
    private static partial Regex OutsideReference();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
