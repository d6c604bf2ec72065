using System.Text.RegularExpressions;
using CaseApi.Infrastructure.Errors;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Errors;

/// <summary>The problem codes clients branch on: well formed, one general code per status, every one documented.</summary>
public sealed class ProblemCodeTests
{
    [Fact]
    public void Every_code_is_listed_in_the_errors_reference()
    {
        var reference = RepositoryFiles.Read("docs/reference/errors.md");

        Assert.All(Problems.KnownCodes, code => Assert.True(reference.Contains($"`{code}`", StringComparison.Ordinal),
            $"docs/reference/errors.md does not list the problem code '{code}'."));
    }

    [Fact]
    public void Codes_are_kebab_case_and_no_two_statuses_share_a_general_code()
    {
        var general = ProblemTypes.All.Values.Select(k => k.Code).ToList();

        Assert.All(Problems.KnownCodes, code => Assert.Matches(new Regex(ProblemCodes.Pattern), code));
        Assert.Equal(general.Count, general.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(ProblemCodes.Precise.Keys.Intersect(general, StringComparer.Ordinal));
    }
}
