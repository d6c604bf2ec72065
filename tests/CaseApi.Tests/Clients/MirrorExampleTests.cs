using CaseApi.Client;
using CaseApi.Client.Examples.Mirror;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Clients;

/// <summary>docs/guides/clients.md's mirror example (clients/dotnet/examples/Mirror), the code CI runs, against a test service.</summary>
public sealed class MirrorExampleTests(CaseApiFactory api) : ClientTest(api)
{
    [Fact]
    public async Task The_mirror_example_matches_GET_cases_and_leaves_the_data_as_it_found_it()
    {
        await CreateCaseAsync(CaseSamples.Full("full-case"));
        await CreateCaseAsync(CaseSamples.Minimal("minimal-case"));
        var client = Connect().Client;
        var before = await SnapshotAsync(client);
        using var log = new StringWriter();

        var matched = await MirrorExample.RunAsync(client, log, Ct);

        Assert.True(matched, log.ToString());
        var lines = log.ToString().Split('\n');
        Assert.Equal(2, lines.Count(l => l.StartsWith("mirror matches GET /cases byte for byte: ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("2 mirrored case(s) now aligned with mirror-example-", StringComparison.Ordinal));
        Assert.Equal(before, await SnapshotAsync(client));
    }

    /// <summary>The cases, sectors and policy documents, as the package reads them.</summary>
    private static async Task<string> SnapshotAsync(CaseApiClient client)
    {
        var cases = CaseMirror.Normalise(await client.Api.V1.Cases.ListAllAsync(cancellationToken: Ct).ToListAsync(Ct));
        var sectors = (await client.Api.V1.Sectors.GetAsync(cancellationToken: Ct))!.Items!.Select(s => s.Code);
        var policies = (await client.Api.V1.PolicyDocuments.GetAsync(cancellationToken: Ct))!.Items!
            .Select(p => $"{p.Code}:{string.Join(',', p.Sectors!)}");
        return string.Join('\n', [cases, .. sectors, .. policies]);
    }
}
