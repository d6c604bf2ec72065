namespace CaseApi.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from (the committed contract, the deployment files).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CaseApi.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No CaseApi.sln above {AppContext.BaseDirectory}.");
    }
}
