using CaseApi.Tests.Imports;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Security;

/// <summary>Issue 30, item 1: the import refuses a slug shaped like a UUID as the endpoints do, naming the field.</summary>
public sealed class IdSlugImportTests(CaseApiFactory api) : ImportTest(api)
{
    [Fact]
    public async Task An_import_rejects_rows_whose_slug_is_a_uuid_naming_slug()
    {
        var body = Ndjson(Case("good-one"), Case("0190c8e4-1f6a-7b3c-9d2e-5a4b3c2d1e0f"), Case("0190c8e41f6a7b3c9d2e5a4b3c2d1e0f"));

        var report = await ImportReportAsync(body, NdjsonType, "?atomic=false");

        AssertCounts(report, received: 3, created: 1, updated: 0, unchanged: 0, rejected: 2);
        Assert.Equal([(2, "slug"), (3, "slug")], ErrorsOf(report).Order().ToList());
    }
}
