using NpgsqlTypes;

namespace CaseApi.Store;

/// <summary>
/// One check of the standby: the WAL position it has replayed, and how far behind the primary that leaves it (zero
/// when it has replayed all the primary had written; null when it cannot tell, or the standby did not answer).
/// </summary>
internal sealed record StandbyStatus(NpgsqlLogSequenceNumber? Replayed, TimeSpan? Lag, long CheckedAt, string? Failure)
{
    public bool Reachable => Failure is null;

    public string Describe(TimeSpan maxLag) => this switch
    {
        { Failure: { } failure } => $"The standby is unavailable ({failure}); reads go to the primary.",
        { Lag: null } => "The standby is not replaying WAL; reads go to the primary.",
        { Lag: var lag } when lag > maxLag =>
            $"The standby is {lag.Value.TotalSeconds:0.0} s behind (more than {maxLag.TotalSeconds:0.#} s); reads go to the primary.",
        { Lag: var lag } => $"The standby is {lag.Value.TotalSeconds:0.0} s behind; reads without a consistency token go to it.",
    };
}
