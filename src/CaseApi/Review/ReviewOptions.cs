namespace CaseApi.Review;

/// <summary>Review:Mode: who publishes their own case writes and whose become proposals (docs/guides/review.md).</summary>
public sealed class ReviewOptions
{
    public const string Section = "Review";

    public ReviewMode Mode { get; set; } = ReviewMode.Off;
}

public enum ReviewMode
{
    /// <summary>Every write publishes at once, as before review existed (the default, so existing clients keep working).</summary>
    Off,

    /// <summary>An editor's case writes become proposals; reviewers and admins publish their own.</summary>
    Editors,

    /// <summary>No one publishes their own change to a case: every case write becomes a proposal.</summary>
    Everyone,
}

public static class ReviewLimits
{
    public const int Note = 2000;
    public const int Reason = 2000;
}
