namespace CaseApi.Imports;

/// <summary>
/// How long one upload may take, from the first byte read to the commit (<see cref="ImportOptions.DeadlineSeconds"/>):
/// only the backstop behind the caps, which refuse what a file asks for before the work is spent. Its token cancels
/// whatever runs (the reading, the staging, the statements); a cancellation it caused, and not the client, becomes a
/// refusal that names it.
/// </summary>
internal sealed class ImportDeadline : IDisposable
{
    private readonly CancellationTokenSource timer;
    private readonly CancellationTokenSource linked;
    private readonly CancellationToken client;
    private readonly int seconds;

    public ImportDeadline(ImportOptions options, TimeProvider time, CancellationToken client)
    {
        seconds = options.DeadlineSeconds;
        this.client = client;
        timer = new CancellationTokenSource(TimeSpan.FromSeconds(seconds), time);
        linked = CancellationTokenSource.CreateLinkedTokenSource(client, timer.Token);
    }

    public CancellationToken Token => linked.Token;

    /// <summary>Whether a cancellation came from the deadline (the client is still waiting).</summary>
    public bool Passed => timer.IsCancellationRequested && !client.IsCancellationRequested;

    public ImportRefusal Refusal => new(ImportRefusalReason.LimitExceeded, "The upload ran past its deadline.",
        $"The upload took longer than {seconds:N0} s ({ImportOptions.Section}:{nameof(ImportOptions.DeadlineSeconds)}) and nothing of it "
        + "was kept; split the file.");

    public void Dispose()
    {
        linked.Dispose();
        timer.Dispose();
    }
}
