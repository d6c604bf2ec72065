using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;

namespace CaseApi.Tests.Cases;

/// <summary>The one column map of a case agrees with the EF model and with the request record it builds.</summary>
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
    public void The_fields_are_the_parameters_of_the_case_request_in_order()
    {
        var parameters = typeof(CaseRequest).GetConstructors().Single().GetParameters().Select(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name!));

        Assert.Equal(parameters, CaseColumns.Fields.Select(f => f.Name));
    }
}
