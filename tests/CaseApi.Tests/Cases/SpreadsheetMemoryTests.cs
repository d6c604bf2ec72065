using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

/// <summary>
/// The .xlsx and Parquet paths on 100,000 cases hold bounded memory. Like <see cref="ExportMemoryTests"/> this reads
/// the managed heap the in-process server shares, so it runs in the serial collection.
/// </summary>
[Collection(nameof(SerialApiCollection))]
public sealed class SpreadsheetMemoryTests(CaseApiFactory api) : IAsyncLifetime
{
    private const int Rows = 100_000;

    // A held row costs far more than this (the bulk cases' summary alone is 620 bytes as a .NET string, before its lists
    // and the sheet's cell objects), so a path that buffered the rows would grow past Rows × this; streaming stays far below.
    private const long BytesPerRowIfBuffered = 500;

    private readonly HttpClient client = api.CreateClient(CaseApiFactory.AdminKey);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => api.ResetDatabaseAsync();

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("xlsx")]
    [InlineData("parquet")]
    public async Task An_export_of_100000_cases_streams_in_bounded_memory(string format)
    {
        await BulkCases.InsertAsync(api.ConnectionString, Rows, Ct);
        (await client.GetByteArrayAsync($"/api/v1/cases/export?format={format}&q=nomatch", Ct)).AsSpan();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        using var response = await client.GetAsync($"/api/v1/cases/export?format={format}", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[64 * 1024];
        long total = 0, nextSample = 0, peakGrowth = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, Ct)) > 0)
        {
            total += read;
            if (total < nextSample) continue;
            peakGrowth = Math.Max(peakGrowth, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            nextSample += 256 * 1024;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{format}: {total:N0} bytes for {Rows:N0} cases; peak managed-heap growth {peakGrowth:N0} bytes.");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(total > 1024 * 1024, $"The export should be large enough to measure: {total} bytes.");
        Assert.True(peakGrowth < Rows * BytesPerRowIfBuffered / 2, $"Peak heap growth {peakGrowth:N0} bytes for {Rows:N0} cases: rows are being buffered.");
    }

    [Fact]
    public async Task An_xlsx_import_of_100000_rows_reads_the_sheet_in_bounded_memory()
    {
        await BulkCases.InsertAsync(api.ConnectionString, Rows, Ct);
        var file = await client.GetByteArrayAsync("/api/v1/cases/export?format=xlsx", Ct);
        var sheetBytes = SheetXmlBytes(file);
        await api.ResetDatabaseAsync();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        long peakGrowth = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            while (await timer.WaitForNextTickAsync(sampling.Token))
            {
                peakGrowth = Math.Max(peakGrowth, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }, Ct);
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        using var response = await client.PostAsync("/api/v1/imports?dryRun=true", content, Ct);
        await sampling.CancelAsync();
        await sampler.ContinueWith(_ => { }, TaskScheduler.Default);

        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{file.Length:N0} byte .xlsx ({sheetBytes:N0} bytes of sheet XML), {Rows:N0} rows: peak managed-heap growth {peakGrowth:N0} bytes.");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Rows, (int)report["received"]!);
        Assert.Equal(Rows, (int)report["created"]!);
        // A DOM of the sheet would hold several times its XML; the SAX reader holds one row plus what the importer
        // keeps per row whatever the format (each slug, to catch repeats).
        Assert.True(peakGrowth < sheetBytes / 2, $"Peak heap growth {peakGrowth:N0} bytes for {sheetBytes:N0} bytes of sheet XML.");
    }

    private static long SheetXmlBytes(byte[] xlsx)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        return zip.GetEntry("xl/worksheets/sheet1.xml")!.Length;
    }
}
