using System.Net;
using CaseApi.Tests.Infrastructure;
using CsCheck;

namespace CaseApi.Tests.Interop;

/// <summary>
/// Random values in every query parameter of the STIX export (and the Accept header): a 200 bundle or a 4xx problem,
/// never a 5xx. CsCheck prints the seed of a failure; <c>CsCheck_Seed=&lt;seed&gt;</c> replays it.
/// </summary>
public sealed class StixFuzzTests(CaseApiFactory api) : ApiTest(api)
{
    private static readonly string[] Parameters =
        ["format", "fields", "asOf", "release", "sector", "sponsor", "includeChildren", "entity", "victim", "q", "from", "to", "policy", "aligned", "cursor"];

    private static readonly Gen<string> Values = Gen.OneOf(
        Gen.String, Gen.String[Gen.Char.AlphaNumeric, 0, 12], Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Const("stix"), Gen.Const("STIX"), Gen.Guid.Select(g => g.ToString()), Gen.Const("%00"), Gen.Const("-1"), Gen.Const("9999999999999999999999"));

    [Fact]
    public async Task Random_query_values_on_the_stix_export_get_a_200_or_a_4xx_problem()
    {
        await CreateCaseAsync(CaseSamples.Full());
        var requests =
            from pairs in Gen.Select(Gen.OneOf(Parameters.Select(Gen.Const).ToArray()), Values).Array[0, 4]
            from accept in Gen.OneOf(Gen.Const("application/stix+json;version=2.1"), Gen.Const("application/stix+json;version=9"), Values)
            select (Query: "format=stix&" + string.Join('&', pairs.Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}")), Accept: accept);

        await requests.SampleAsync(async r =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/export?{r.Query}");
            request.Headers.TryAddWithoutValidation("Accept", r.Accept);
            using var response = await Client.SendAsync(request, Ct);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(Ct);

            Assert.True(status < 500, $"{status} for ?{r.Query} Accept: {r.Accept}: {body}");
            if (status >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            else Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }, iter: 150, threads: 1, print: r => $"?{r.Query} Accept: {r.Accept}");
    }
}
