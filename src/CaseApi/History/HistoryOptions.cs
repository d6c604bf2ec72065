using System.ComponentModel.DataAnnotations;

namespace CaseApi.History;

public sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>How often the service logs the newest checkpoint of the hash chain (for an auditor's log archive). 0 turns it off.</summary>
    [Range(0, 1440)]
    public int CheckpointLogMinutes { get; set; } = 60;
}
