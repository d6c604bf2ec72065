using System.Diagnostics;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from (the committed contract, the deployment files, the docs).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>The files git tracks, as paths relative to the root with '/' separators.</summary>
    public static IReadOnlyList<string> Tracked() => TrackedPaths.Value;

    /// <summary>True unless the file's first 8 kB hold a NUL byte, git's own test for binary content.</summary>
    public static bool IsText(string relative)
    {
        using var file = File.OpenRead(PathOf(relative));
        var head = new byte[8192];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Array.IndexOf(head, (byte)0, 0, read) < 0;
    }

    private static readonly Lazy<IReadOnlyList<string>> TrackedPaths = new(() =>
    {
        using var git = Process.Start(new ProcessStartInfo("git", ["-C", Root, "ls-files", "-z"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git ls-files failed in {Root} (exit {git.ExitCode}).");
        // Deleted but not yet committed files are still listed; only files on disk are in the tree under test.
        return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(p => File.Exists(PathOf(p)))];
    });

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CaseApi.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No CaseApi.sln above {AppContext.BaseDirectory}.");
    }
}
