using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Review;

/// <summary>The API with Review:Mode editors: an editor's case writes become proposals.</summary>
public sealed class EditorsReviewFactory : CaseApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Review:Mode"] = "editors" };
}

/// <summary>The API with Review:Mode everyone: no one publishes their own case write.</summary>
public sealed class EveryoneReviewFactory : CaseApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Review:Mode"] = "everyone" };
}
