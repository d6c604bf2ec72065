using System.ComponentModel.DataAnnotations;

namespace CaseApi.Store;

/// <summary>How reads through <see cref="ReadOnlyCaseDbContext"/> choose between the standby and the primary.</summary>
public sealed class ReadRoutingOptions
{
    public const string Section = "ReadRouting";

    /// <summary>How far behind the primary the standby may be for a read without a consistency token; beyond it, reads go to the primary.</summary>
    [Range(0, 86400)]
    public double MaxLagSeconds { get; set; } = 5;

    /// <summary>How long one check of the standby's replay position and lag is trusted before the next request checks again.</summary>
    [Range(10, 60000)]
    public int CheckIntervalMilliseconds { get; set; } = 1000;

    /// <summary>How long a read with a consistency token waits for the standby to replay it before the primary serves it instead.</summary>
    [Range(0, 30000)]
    public int ConsistencyWaitMilliseconds { get; set; } = 500;
}
