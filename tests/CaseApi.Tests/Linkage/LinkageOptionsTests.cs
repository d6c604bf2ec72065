using System.ComponentModel.DataAnnotations;
using CaseApi.Linkage;

namespace CaseApi.Tests.Linkage;

public sealed class LinkageOptionsTests
{
    private static List<ValidationResult> Validate(LinkageOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(Validate(new LinkageOptions()));

    [Fact]
    public void Configured_probabilities_must_fit_the_feature_s_levels_and_sum_to_one()
    {
        var options = new LinkageOptions
        {
            Probabilities = new()
            {
                ["name"] = new FeatureProbabilities { M = [0.7, 0.2, 0.1], U = [0.01, 0.02, 0.07, 0.9] },
                ["colour"] = new FeatureProbabilities { M = [0.5, 0.5], U = [0.5, 0.5] },
            },
        };

        var errors = Validate(options).Select(r => r.ErrorMessage).ToList();

        Assert.Equal(["Probabilities:name:M needs 4 values in (0, 1) that sum to 1.", "Probabilities: unknown feature 'colour'."], errors);
    }

    [Fact]
    public void A_suggestion_threshold_above_the_acceptance_threshold_is_refused()
    {
        Assert.Single(Validate(new LinkageOptions { AcceptThreshold = 2, SuggestThreshold = 5 }));
    }
}
