using System.Net;
using System.Text;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Imports;

/// <summary>POST /imports/file: the same import, for clients that send the file itself as the body (generated clients).</summary>
public sealed class ImportFileTests(CaseApiFactory api) : ImportTest(api)
{
    [Theory]
    [InlineData(CsvType)]
    [InlineData(NdjsonType)]
    public async Task A_file_sent_as_the_body_is_imported_like_one_sent_to_imports(string mediaType)
    {
        var body = mediaType == CsvType ? Csv(Case("file-body")) : Ndjson(Case("file-body"));
        using var content = new StringContent(body, Encoding.UTF8, mediaType);

        using var response = await Client.PostAsync("/api/v1/imports/file?dryRun=false", content, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertCounts(await ReadObjectAsync(response), received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0);
        Assert.Equal(1, await CountCasesAsync());
    }

    [Fact]
    public async Task A_body_in_no_import_format_is_415()
    {
        using var content = new StringContent("plain text", Encoding.UTF8, "text/plain");

        using var response = await Client.PostAsync("/api/v1/imports/file", content, Ct);

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
    }
}
