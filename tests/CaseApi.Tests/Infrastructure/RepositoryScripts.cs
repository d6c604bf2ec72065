using System.Diagnostics;

namespace CaseApi.Tests.Infrastructure;

/// <summary>The repository's scripts, run as an operator would run them.</summary>
public static class RepositoryScripts
{
    /// <summary>Runs a script from the repository root and returns its standard output; a non-zero exit fails with its standard error.</summary>
    public static async Task<string> RunAsync(string script, IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        CancellationToken ct = default)
    {
        var start = new ProcessStartInfo(RepositoryFiles.PathOf(script), arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryFiles.Root,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} {string.Join(' ', start.ArgumentList)} failed: {await errors}");
        return await output;
    }
}
