using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using Parquet;

namespace CaseApi.Tests.Cases;

/// <summary>
/// Exports and an .xlsx import of 100,000 cases by a real service process whose managed heap is capped
/// (DOTNET_GCHeapHardLimit) below what holding the rows would take. A path that buffered them would fail with
/// OutOfMemoryException; a streaming one completes. The bound is checked by the runtime itself, in a process of its own,
/// so no other test's allocations count and nothing samples the heap (sampling with full collections starved the work
/// it measured, for minutes on a busy machine).
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class ExportMemoryTests(LargeStore store) : IClassFixture<LargeStore>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    [InlineData("parquet")]
    [InlineData("stix")]
    public async Task An_export_of_100000_cases_completes_within_a_heap_too_small_to_hold_them(string format)
    {
        using var response = await store.Client.GetAsync($"/api/v1/cases/export?format={format}", HttpCompletionOption.ResponseHeadersRead, Ct);
        var body = await response.Content.ReadAsByteArrayAsync(Ct);

        TestContext.Current.TestOutputHelper?.WriteLine($"{format}: {body.Length:N0} bytes for {LargeStore.Rows:N0} cases.");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LargeStore.Rows, format switch
        {
            "csv" => body.AsSpan().Count((byte)'\n') - 1,
            "xlsx" => SheetRowCount(body) - 1,
            // One report per case (Interop/Stix), on one line: the bundle is written without indentation.
            "stix" => body.AsSpan().Count("\"type\":\"report\""u8),
            _ => await ParquetRowCountAsync(body),
        });
        Assert.True(store.Service.IsRunning, store.Service.Output);
    }

    /// <summary>Issue 37: a 100,000-case store's bundle is STIX the OASIS schemas accept (every tenth object and the first of each type are checked).</summary>
    [Fact]
    public async Task A_stix_export_of_100000_cases_has_no_schema_errors()
    {
        var bytes = await store.Client.GetByteArrayAsync("/api/v1/cases/export?format=stix", Ct);

        using var bundle = JsonDocument.Parse(bytes);
        var objects = bundle.RootElement.GetProperty("objects").EnumerateArray().ToList();
        var types = new HashSet<string>();
        var sampled = objects.Where((o, i) => types.Add(o.GetProperty("type").GetString()!) | i % 10 == 0).ToList();
        var errors = sampled.SelectMany(o => global::CaseApi.Tests.Interop.StixSchemas.Errors(JsonNode.Parse(o.GetRawText())!)).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"stix: {objects.Count:N0} objects, {sampled.Count:N0} validated, {errors.Count} schema errors.");
        Assert.Equal(LargeStore.Rows, objects.Count(o => o.GetProperty("type").GetString() == "report"));
        Assert.True(errors.Count == 0, string.Join('\n', errors.Take(20)));
    }

    [Fact]
    public async Task An_xlsx_import_of_100000_rows_reads_the_sheet_within_the_same_heap()
    {
        var file = await SheetAsync(LargeStore.Rows);
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(Spreadsheet.MediaType);

        using var response = await store.Client.PostAsync("/api/v1/imports?dryRun=true", content, Ct);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(LargeStore.Rows, (int)JsonNode.Parse(text)!["created"]!);
        Assert.True(store.Service.IsRunning, store.Service.Output);
    }

    /// <summary>The rows of the first sheet, read as XML (the cells' content is checked by the xlsx tests).</summary>
    private static int SheetRowCount(byte[] xlsx)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        using var xml = XmlReader.Create(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        var rows = 0;
        while (xml.Read()) if (xml is { NodeType: XmlNodeType.Element, LocalName: "row" }) rows++;
        return rows;
    }

    private static async Task<int> ParquetRowCountAsync(byte[] file)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file), cancellationToken: Ct);
        return (int)reader.RowGroups.Sum(g => g.RowCount);
    }

    /// <summary>What every sheet case shares; bound by name, so that a new field of the case changes nothing here.</summary>
    private static readonly CaseResponse SheetCase = JsonSerializer.Deserialize<CaseResponse>("""
        {"summary": "A long summary of a bulk case. A long summary of a bulk case.", "activityTypes": ["economic-espionage"],
         "collectorType": "student", "sectors": ["aerospace", "energy"], "outcome": "convicted"}
        """, JsonSerializerOptions.Web)!;

    /// <summary>An .xlsx of distinct new cases, written by the export's own sheet writer straight to memory (no database round trip).</summary>
    private static async Task<byte[]> SheetAsync(int rows)
    {
        var columns = CaseExportColumns.Select("slug,title,summary,activityTypes,collectorType,sectors,outcome,chargedOn");
        var now = DateTimeOffset.UtcNow;
        var cases = Enumerable.Range(1, rows).Select(i => new ExportedCase(SheetCase with
        {
            Id = Guid.NewGuid(), Slug = $"sheet-case-{i}", Title = $"Sheet case {i}", ChargedOn = $"{2000 + i % 20}-0{1 + i % 9}-1{i % 10}",
            CreatedAt = now, UpdatedAt = now,
        }, null));
        using var file = new MemoryStream();
        await CaseXlsxWriter.WriteAsync(file, cases.ToAsyncEnumerable(), columns, Ct);
        return file.ToArray();
    }
}

/// <summary>
/// 100,000 bulk cases in a database of their own, served by a service process whose managed heap may not exceed
/// <see cref="HeapLimitBytes"/>. Holding the rows would take far more: a held bulk case costs over a kilobyte (its
/// summary alone is 620 bytes as a .NET string, then a response of 31 fields, nine lists and its sources).
/// </summary>
public sealed class LargeStore : IAsyncLifetime
{
    public const int Rows = 100_000;

    /// <summary>
    /// What the service needs at rest plus one Parquet row group (5,000 rows, about 23 MB) and the export's buffers,
    /// with room to spare; a tenth of what 100,000 held cases would take.
    /// </summary>
    public const long HeapLimitBytes = 96L * 1024 * 1024;

    private readonly CaseApiFactory database = new();

    public ServiceProcess Service { get; private set; } = null!;

    /// <summary>A client with the admin key that waits out a 100,000-row import on a loaded machine.</summary>
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await database.InitializeAsync();
        await database.ResetDatabaseAsync();
        await BulkCases.InsertAsync(database.ConnectionString, Rows, TestContext.Current.CancellationToken);
        Service = ServiceProcess.Start(database.ServiceConnectionString, new Dictionary<string, string>
        {
            ["DOTNET_GCHeapHardLimit"] = $"0x{HeapLimitBytes:X}",
        });
        Client = new HttpClient { BaseAddress = Service.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", CaseApiFactory.AdminKey);
        await Service.WaitUntilLiveAsync(Client, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        Service?.Dispose();
        await database.DisposeAsync();
    }
}
