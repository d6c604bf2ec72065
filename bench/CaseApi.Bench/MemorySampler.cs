using System.Globalization;

namespace CaseApi.Bench;

/// <summary>
/// Samples the service's resident memory (VmRSS in /proc/&lt;pid&gt;/status) every 50 ms, so each phase can report
/// its own peak; VmHWM alone would only give the peak since start-up.
/// </summary>
internal sealed class MemorySampler(int pid) : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private long peakKb;
    private Task? loop;

    public void Start() => loop = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            var kb = ReadKb("VmRSS");
            long seen;
            while (kb > (seen = Interlocked.Read(ref peakKb)) && Interlocked.CompareExchange(ref peakKb, kb, seen) != seen) { }
            try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
        }
    });

    /// <summary>Runs one phase and returns its result with the peak resident memory seen meanwhile, in MB.</summary>
    public async Task<(T Result, double PeakMb)> MeasureAsync<T>(Func<Task<T>> phase)
    {
        Interlocked.Exchange(ref peakKb, ReadKb("VmRSS"));
        var result = await phase();
        await Task.Delay(60);
        return (result, Interlocked.Read(ref peakKb) / 1024.0);
    }

    /// <summary>The high-water mark since the service started, in MB.</summary>
    public double HighWaterMb => ReadKb("VmHWM") / 1024.0;

    private long ReadKb(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException) { }
        return 0;
    }

    public void Dispose()
    {
        stop.Cancel();
        loop?.Wait();
        stop.Dispose();
    }
}
