using CaseApi.Cases;
using CaseApi.Store;
using CaseApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NpgsqlTypes;

namespace CaseApi.Tests.Cases;

/// <summary>The one column map of a case agrees with the EF model, the JSON contract and the published schema it is derived beside.</summary>
public sealed class CaseColumnsTests(CaseApiFactory api) : ApiTest(api)
{
    private static readonly string[] ServerColumns = ["id", "created_at", "updated_at", "xmin", "search_vector"];

    [Fact]
    public async Task Every_writable_column_of_the_ef_model_is_in_the_map_once_with_a_matching_type()
    {
        var columns = await WithDbAsync(db => Task.FromResult(db.Model.FindEntityType(typeof(Case))!.GetProperties()
            .Select(p => (Name: p.GetColumnName(), Type: p.GetColumnType())).ToList()));

        var writable = columns.Where(c => !ServerColumns.Contains(c.Name)).ToDictionary(c => c.Name, c => c.Type);
        var mapped = CaseColumns.DbColumns.Select(c => c.Column).ToList();
        Assert.Equal(writable.Keys.Order(), mapped.Select(c => c.Name).Order());
        foreach (var column in mapped)
        {
            var storeType = writable[column.Name];
            var expected = column.Type switch
            {
                NpgsqlDbType.Array | NpgsqlDbType.Text => "text[]",
                NpgsqlDbType.Text => storeType.StartsWith("character varying", StringComparison.Ordinal) ? storeType : "text",
                NpgsqlDbType.Date => "date",
                NpgsqlDbType.Integer => "integer",
                NpgsqlDbType.Numeric => "numeric",
                NpgsqlDbType.Jsonb => "jsonb",
                var other => other.ToString(),
            };
            Assert.True(expected == storeType, $"{column.Name}: map says {column.Type}, the model {storeType}");
        }
    }

    [Fact]
    public void The_fields_are_the_json_properties_of_the_case_request_in_order_and_each_reads_back_from_the_response()
    {
        var json = Api.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        var request = json.GetTypeInfo(typeof(CaseRequest)).Properties.Select(p => p.Name);
        var response = json.GetTypeInfo(typeof(CaseResponse)).Properties.Select(p => p.Name);

        Assert.Equal(request, CaseColumns.Fields.Select(f => f.Name));
        Assert.Empty(CaseColumns.Fields.Select(f => f.Name).Except(response));
    }

    [Fact]
    public async Task The_required_fields_are_those_the_published_contract_requires_of_a_case_request()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);
        var document = await ReadObjectAsync(response);

        var required = document["components"]!["schemas"]!["CaseRequest"]!["required"]!.AsArray().Select(n => (string)n!);

        Assert.Equal(required, CaseColumns.Fields.Where(f => f.Required).Select(f => f.Name));
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 63 })]
    [InlineData(new[] { 0, 31, 32, 62, 63 })]
    public async Task The_staging_bit_test_finds_exactly_the_fields_a_stored_mask_names_the_sign_bit_too(int[] named)
    {
        var mask = named.Aggregate(CaseFieldMask.None, (m, i) => m | CaseFieldMask.Of(i));
        var tests = Enumerable.Range(0, CaseFieldMask.Capacity)
            .Select(i => SqlFragment.Of($"({i}, {mask.Stored} & ") + SqlFragment.Raw($"{CaseFieldMask.BitSql(i)} = 0)"));
        var sql = SqlFragment.Raw("SELECT i AS \"Value\" FROM (VALUES ") + SqlFragment.Join(", ", tests)
            + SqlFragment.Raw(") AS bits(i, unnamed) WHERE unnamed ORDER BY i");

        var unnamed = await WithDbAsync(db => db.Database.Query<int>(sql).ToListAsync(Ct));

        Assert.Equal(Enumerable.Range(0, CaseFieldMask.Capacity).Except(named), unnamed);
    }
}
