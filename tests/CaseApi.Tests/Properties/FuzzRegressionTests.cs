using System.Buffers.Text;
using System.Net;
using System.Text;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Properties;

/// <summary>Requests the fuzz or a reviewer found answering 500, each kept as a fixed regression test.</summary>
public sealed class FuzzRegressionTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task An_import_list_cursor_past_the_largest_date_is_a_400_problem()
    {
        var cursor = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{long.MaxValue}_{Guid.NewGuid():N}"));

        using var response = await Client.GetAsync($"/api/v1/imports?cursor={cursor}", Ct);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("count=%0d%0a")]
    [InlineData("limit=0")]
    [InlineData("limit=abc")]
    public async Task An_import_list_parameter_out_of_range_is_a_400_problem(string query)
    {
        using var response = await Client.GetAsync($"/api/v1/imports?{query}", Ct);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
    }
}
