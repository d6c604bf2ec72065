using System.Diagnostics;
using CaseApi.Cases;
using CaseApi.Tests.Auth.SignIn;
using CaseApi.Tests.Examples;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Review;

/// <summary>The API with Review:Mode editors, trusting the test identity provider: editors and reviewers sign in as people.</summary>
public sealed class ReviewSignInFactory : SignInFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Review:Mode"] = "editors";
            return settings;
        }
    }
}

/// <summary>
/// docs/guides/review.md's walk-through, run as a reader runs it: its blocks that hold an editor's or a reviewer's token
/// (ExamplesTests skips them: the service it starts has review off and knows no people) run in order against a service with
/// Review:Mode editors, with tokens the identity provider issued to an editor and a reviewer. It ends with the change in a
/// release and the audit naming the two people.
/// </summary>
public sealed class ReviewGuideTests(ReviewSignInFactory api) : SignInTest(api), IClassFixture<ReviewSignInFactory>
{
    private static readonly string[] Placeholders = ["<editor-token>", "<reviewer-token>", "<release-name>"];

    [Fact]
    public async Task The_guides_walk_through_takes_an_editors_change_through_a_reviewers_approval_into_a_release()
    {
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);
        var values = new Dictionary<string, string>
        {
            ["<editor-token>"] = await Provider.TokenAsync("editor", Ct),
            ["<reviewer-token>"] = await Provider.TokenAsync("reviewer", Ct),
            ["<release-name>"] = "reviewed-linkedin-tag",
        };
        var blocks = DocCurls.Find().Where(c => c.File.EndsWith("review.md", StringComparison.Ordinal) && Placeholders.Any(c.Command.Contains)).ToList();

        var statuses = new List<string>();
        foreach (var block in blocks)
        {
            var script = values.Aggregate(block.Command, (text, value) => text.Replace(value.Key, value.Value, StringComparison.Ordinal));
            statuses.Add(await RunAsync(script));
        }

        Assert.True(blocks.Count >= 5, $"Only {blocks.Count} walk-through blocks found in docs/guides/review.md.");
        Assert.All(statuses, s => Assert.Matches(@"^(2\d\d\s*)+$", s));
        Assert.Contains("202", string.Join(' ', statuses), StringComparison.Ordinal);
        var tags = await WithDbAsync(db => db.Cases.Where(c => c.Slug == "kevin-mallory").Select(c => c.Tags).SingleAsync(Ct));
        Assert.Contains("linkedin", tags);
        var audit = await WithDbAsync(db => db.AuditEvents.Where(e => e.Action == "update" || e.Action == "approve")
            .Select(e => new { e.Action, e.Actor }).ToListAsync(Ct));
        Assert.Equal(PersonActor("u-editor"), Assert.Single(audit, e => e.Action == "update").Actor);
        Assert.Equal(PersonActor("u-reviewer"), Assert.Single(audit, e => e.Action == "approve").Actor);
    }

    /// <summary>Runs one block through bash as ExamplesTests does (the base URL in API, each curl's status on stderr); returns the statuses.</summary>
    private async Task<string> RunAsync(string script)
    {
        var work = Directory.CreateTempSubdirectory("caseapi-review-guide.").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(work, ".curlrc"), "silent\nshow-error\nmax-time = 60\nwrite-out = \"%{stderr}%{http_code}\\n\"\n", Ct);
            var start = new ProcessStartInfo("bash", ["-c", script])
            {
                WorkingDirectory = work, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            start.Environment["KEY"] = CaseApiFactory.AdminKey;
            start.Environment["API"] = $"{Client.BaseAddress!.ToString().TrimEnd('/')}/api/v1";
            start.Environment["CURL_HOME"] = work;
            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(Ct);
            var stderr = await process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            TestContext.Current.TestOutputHelper?.WriteLine($"{script}\n{await stdout}\n{stderr}");
            return string.Join(' ', stderr.Split('\n').Where(line => line.Length > 0));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
