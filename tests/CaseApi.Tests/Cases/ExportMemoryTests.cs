using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

/// <summary>
/// Measures the managed heap of the test process, which the in-process server shares, so it runs in a collection of
/// its own that xUnit never runs in parallel with anything else: other tests' allocations would read as growth.
/// </summary>
[Collection(nameof(SerialApiCollection))]
public sealed class ExportMemoryTests(CaseApiFactory api) : IAsyncLifetime
{
    private const int SheetRows = 100_000;

    // A held bulk case costs more than this: its summary alone is 620 bytes as a .NET string, then a response of 31
    // fields, nine lists and its sources. A path that buffered the rows would grow past rows × this; streaming holds one
    // Parquet row group (5,000 rows, about 23 MB measured) or a few hundred rows of sheet (under 2 MB), half the bound.
    private const long BytesPerRowIfBuffered = 1000;

    private readonly HttpClient client = CreateClient(api);
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

        var (total, lines, peakGrowth) = await ExportMeasuringAsync("csv");

        TestContext.Current.TestOutputHelper?.WriteLine($"Exported {total:N0} bytes; peak managed-heap growth {peakGrowth:N0} bytes.");
        Assert.Equal(Rows + 1, lines);
        Assert.True(total > 24 * 1024 * 1024, $"The export should be large enough to measure: {total} bytes.");
        // Streaming holds about 1 MB here when this test runs alone; in the full suite the other hosts alive in this
        // process add a few MB of their own (5.6 MB once). Buffering the rows would hold at least the body itself
        // (twice that as .NET strings), so half the body separates the two with room on both sides.
        Assert.True(peakGrowth < total / 2, $"Peak heap growth {peakGrowth:N0} bytes for an export of {total:N0} bytes: rows are being buffered.");
    }

    [Theory]
    [InlineData("xlsx")]
    [InlineData("parquet")]
    public async Task An_xlsx_or_parquet_export_of_100000_cases_streams_in_bounded_memory(string format)
    {
        await BulkCases.InsertAsync(api.ConnectionString, SheetRows, Ct);

        var (total, _, peakGrowth) = await ExportMeasuringAsync(format);

        TestContext.Current.TestOutputHelper?.WriteLine($"{format}: {total:N0} bytes for {SheetRows:N0} cases; peak managed-heap growth {peakGrowth:N0} bytes.");
        Assert.True(total > 1024 * 1024, $"The export should be large enough to measure: {total} bytes.");
        Assert.True(peakGrowth < SheetRows * BytesPerRowIfBuffered / 2,
            $"Peak heap growth {peakGrowth:N0} bytes for {SheetRows:N0} cases: rows are being buffered.");
    }

    [Fact]
    public async Task An_xlsx_import_of_100000_rows_reads_the_sheet_in_bounded_memory()
    {
        var file = await SheetAsync(SheetRows);
        long sheetBytes;
        using (var zip = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read)) sheetBytes = zip.GetEntry("xl/worksheets/sheet1.xml")!.Length;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        using var sampling = new CancellationTokenSource();
        var sampler = PeakGrowthAsync(baseline, sampling.Token);
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(Spreadsheet.MediaType);
        using var response = await client.PostAsync("/api/v1/imports?dryRun=true", content, Ct);
        await sampling.CancelAsync();
        var peakGrowth = await sampler;

        var text = await response.Content.ReadAsStringAsync(Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{file.Length:N0} byte .xlsx ({sheetBytes:N0} bytes of sheet XML), {SheetRows:N0} rows: peak managed-heap growth {peakGrowth:N0} bytes.");
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(SheetRows, (int)JsonNode.Parse(text)!["created"]!);
        // A DOM of the sheet would hold several times its XML; the SAX reader holds one row, plus what the importer
        // keeps per row whatever the format (each slug, to catch repeats).
        Assert.True(peakGrowth < sheetBytes / 2, $"Peak heap growth {peakGrowth:N0} bytes for {sheetBytes:N0} bytes of sheet XML.");
    }

    /// <summary>
    /// The largest heap growth over the baseline, sampled after one full collection every half second until stopped.
    /// GC.GetTotalMemory(true) repeats collections until the heap is stable, which it never is during an import: sampled
    /// that way, the collections starved the import for minutes.
    /// </summary>
    private static async Task<long> PeakGrowthAsync(long baseline, CancellationToken stop)
    {
        long peak = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                GC.Collect();
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
            }
        }
        catch (OperationCanceledException)
        {
        }
        return peak;
    }

    /// <summary>
    /// Reads the whole export, sampling the heap (fully collected) every megabyte: bytes, lines and the peak growth. Each
    /// sample pauses the reader; more of them would stretch a big export past the bulk statement timeout on a busy machine.
    /// </summary>
    private async Task<(long Total, long Lines, long PeakGrowth)> ExportMeasuringAsync(string format)
    {
        // Warm up (query compilation, JIT) so that one-off allocations do not count as growth.
        (await client.GetByteArrayAsync($"/api/v1/cases/export?format={format}&q=nomatch", Ct)).AsSpan();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        using var response = await client.GetAsync($"/api/v1/cases/export?format={format}", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[64 * 1024];
        long total = 0, nextSample = 0, peakGrowth = 0, lines = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, Ct)) > 0)
        {
            total += read;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            if (total < nextSample) continue;
            // While the export is in flight, whatever the server holds for it is live on this (shared) heap.
            peakGrowth = Math.Max(peakGrowth, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            nextSample += 1024 * 1024;
        }
        return (total, lines, peakGrowth);
    }

    /// <summary>An .xlsx of distinct new cases, written by the export's own sheet writer straight to memory (no database round trip).</summary>
    private static async Task<byte[]> SheetAsync(int rows)
    {
        var columns = CaseExportColumns.Select("slug,title,summary,activityTypes,collectorType,sectors,outcome,chargedOn");
        var now = DateTimeOffset.UtcNow;
        var cases = Enumerable.Range(1, rows).Select(i => new ExportedCase(new CaseResponse(
            Guid.NewGuid(), $"sheet-case-{i}", $"Sheet case {i}", "A long summary of a bulk case. A long summary of a bulk case.",
            ["economic-espionage"], [], null, null, "student", null, [], ["aerospace", "energy"], [], [], [], null, null, null,
            $"{2000 + i % 20}-0{1 + i % 9}-1{i % 10}", null, "convicted", null, null, null, [], [], [], [], false, [], now, now), null));
        using var file = new MemoryStream();
        await CaseXlsxWriter.WriteAsync(file, cases.ToAsyncEnumerable(), columns, Ct);
        return file.ToArray();
    }

    /// <summary>A client that waits out a 100,000-row import on a loaded two-core machine (HttpClient's default is 100 s).</summary>
    private static HttpClient CreateClient(CaseApiFactory api)
    {
        var client = api.CreateClient(CaseApiFactory.AdminKey);
        client.Timeout = TimeSpan.FromMinutes(10);
        return client;
    }
}
