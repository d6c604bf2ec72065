using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

/// <summary>
/// Measures the managed heap of the test process, which the in-process server shares, so it runs in a collection of
/// its own that xUnit never runs in parallel with anything else: other tests' allocations would read as growth.
/// </summary>
[Collection(nameof(SerialApiCollection))]
public sealed class ExportMemoryTests(CaseApiFactory api) : IAsyncLifetime
{
    private readonly HttpClient client = api.CreateClient(CaseApiFactory.AdminKey);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => api.ResetDatabaseAsync();

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_large_export_streams_in_flat_memory()
    {
        // Large enough that background allocations of the shared test process (a few MB) stay far below the bound.
        const int Rows = 60_000;
        await BulkCases.InsertAsync(api.ConnectionString, Rows, Ct);
        // Warm up (query compilation, JIT) so that one-off allocations do not count as growth.
        (await client.GetStringAsync("/api/v1/cases/export?q=nomatch", Ct)).AsSpan();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        using var response = await client.GetAsync("/api/v1/cases/export?format=csv", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[64 * 1024];
        long total = 0, nextSample = 0, peakGrowth = 0, lines = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, Ct)) > 0)
        {
            total += read;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            if (total >= nextSample)
            {
                // While the export is in flight, whatever the server holds for it is live on this (shared) heap.
                peakGrowth = Math.Max(peakGrowth, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                nextSample += 1024 * 1024;
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"Exported {total:N0} bytes; peak managed-heap growth {peakGrowth:N0} bytes.");
        Assert.Equal(Rows + 1, lines);
        Assert.True(total > 24 * 1024 * 1024, $"The export should be large enough to measure: {total} bytes.");
        // Streaming holds about 1 MB here when this test runs alone; in the full suite the other hosts alive in this
        // process add a few MB of their own (5.6 MB once). Buffering the rows would hold at least the body itself
        // (twice that as .NET strings), so half the body separates the two with room on both sides.
        Assert.True(peakGrowth < total / 2, $"Peak heap growth {peakGrowth:N0} bytes for an export of {total:N0} bytes: rows are being buffered.");
    }
}
