using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;

namespace CaseApi.Tests.Infrastructure;

/// <summary>An API test over the 595 cases of the study (<see cref="StudyCases"/>), seeded before each test.</summary>
public abstract class StudyApiTest(CaseApiFactory api) : ApiTest(api)
{
    protected static IReadOnlyList<CaseRequest> Study => StudyCases.Cases;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await WithDbAsync(async db =>
        {
            await StudyCases.InsertAsync(db, Ct);
            return 0;
        });
    }

    /// <summary>GETs a JSON object, failing the test with the body when the answer is not 200.</summary>
    protected async Task<JsonObject> GetAsync(string url)
    {
        using var response = await Client.GetAsync(url, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
    }
}
