using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CaseApi.Client.Models;

namespace CaseApi.Client.Examples.Mirror;

/// <summary>
/// Keeps a mirror of the cases and proves it equals the service. Everything it writes is throwaway (a sector, a policy
/// document mapping it, two cases, all named after the run) and deleted again, so it leaves the data as it found it.
/// </summary>
public static class MirrorExample
{
    /// <summary>Runs the example; true when the mirror matched GET /cases after the edits and after the clean-up.</summary>
    public static async Task<bool> RunAsync(CaseApiClient client, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(log);
        var run = $"mirror-example-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
        var v1 = client.Api.V1;

        // 1. Load an export; the mirror starts the feed at its Feed-Position.
        var mirror = new CaseMirror(client);
        var loaded = await mirror.LoadAsync(cancellationToken);
        await log.WriteLineAsync($"loaded {loaded} cases from the export at feed position {mirror.Cursor}");

        var aligned = new CaseRequest[2];
        try
        {
            await v1.Sectors[run].PutAsync(new SectorRequest { Name = "Mirror example (throwaway)" }, cancellationToken: cancellationToken);

            // 2. Follow the feed with a long poll: it waits on the server until the cases below are written.
            var waiting = mirror.FollowAsync(waitSeconds: 30, cancellationToken);
            for (var i = 0; i < aligned.Length; i++)
            {
                aligned[i] = ThrowawayCase($"{run}-{i + 1}", run);
                await v1.Cases.PostAsync(aligned[i], c => c.Headers.Add("Idempotency-Key", aligned[i].Slug!), cancellationToken);
            }
            await log.WriteLineAsync($"the long poll woke with {await waiting} item(s); " +
                $"{await mirror.FollowAsync(cancellationToken: cancellationToken)} more followed");

            // 3. An edit with If-Match (re-read and re-applied on a 412), then a policy-mapping edit: the feed expands it
            //    into a realign item for each case whose alignment it changed.
            await v1.Cases[aligned[0].Slug].UpdateAsync(c => new Dictionary<string, object?> { ["title"] = $"{c.Title} (edited)" },
                cancellationToken: cancellationToken);
            await v1.PolicyDocuments[run].PutAsync(new PolicyDocumentRequest
            {
                Name = "Mirror example policy (throwaway)", Sectors = [run],
            }, cancellationToken: cancellationToken);
            var followed = await mirror.FollowAsync(cancellationToken: cancellationToken);
            await log.WriteLineAsync($"after an edit and a policy-mapping edit, {followed} item(s)");
            var realigned = mirror.Cases.Values.Count(c => c.AlignedPolicies?.Contains(run) == true);
            await log.WriteLineAsync($"{realigned} mirrored case(s) now aligned with {run}, as the feed's realign items said");

            // 4. A delete, with the ETag the case's last feed item carried as If-Match.
            var second = mirror.Cases.Values.Single(c => c.Slug == aligned[1].Slug);
            await v1.Cases[second.Slug].DeleteAsync(c => c.Headers.Add("If-Match", mirror.ETagOf(second.Id!.Value)!), cancellationToken);
            await mirror.FollowAsync(cancellationToken: cancellationToken);

            if (realigned != aligned.Length || !await VerifyAsync(client, mirror, log, cancellationToken)) return false;
        }
        finally
        {
            await CleanUpAsync(client, run, aligned, cancellationToken);
        }

        // 5. After the clean-up the mirror still equals the service: the example left the cases as it found them.
        await mirror.FollowAsync(cancellationToken: cancellationToken);
        return await VerifyAsync(client, mirror, log, cancellationToken);
    }

    /// <summary>The mirror against every page of GET /cases, both in CaseMirror's documented normalisation.</summary>
    public static async Task<bool> VerifyAsync(CaseApiClient client, CaseMirror mirror, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(mirror);
        ArgumentNullException.ThrowIfNull(log);
        var listed = await client.Api.V1.Cases.ListAllAsync(q => q.Limit = 1000, cancellationToken).ToListAsync(cancellationToken);
        var service = CaseMirror.Normalise(listed);
        var copy = mirror.Normalised();
        var same = string.Equals(service, copy, StringComparison.Ordinal);
        await log.WriteLineAsync(same
            ? $"mirror matches GET /cases byte for byte: {listed.Count} cases, SHA-256 {Sha256(copy)}"
            : $"MISMATCH: GET /cases has {listed.Count} cases (SHA-256 {Sha256(service)}), the mirror {mirror.Cases.Count} ({Sha256(copy)})");
        return same;
    }

    private static CaseRequest ThrowawayCase(string slug, string sector) => new()
    {
        Slug = slug, Title = "Mirror example case (throwaway)", ActivityTypes = ["economic-espionage"],
        CollectorType = "private-company-employee", Sectors = [sector], Outcome = "convicted", ChargedOn = "2019-04",
    };

    private static async Task CleanUpAsync(CaseApiClient client, string run, IEnumerable<CaseRequest?> cases, CancellationToken cancellationToken)
    {
        var v1 = client.Api.V1;
        foreach (var slug in cases.Select(c => c?.Slug).OfType<string>())
        {
            try
            {
                var (_, etag) = await v1.Cases[slug].GetWithETagAsync(cancellationToken);
                await v1.Cases[slug].DeleteAsync(c => c.Headers.Add("If-Match", etag), cancellationToken);
            }
            catch (Problem gone) when (gone.ResponseStatusCode == 404)
            {
                // Deleted by the example already.
            }
        }
        await IgnoreNotFoundAsync(() => v1.PolicyDocuments[run].DeleteAsync(cancellationToken: cancellationToken));
        await IgnoreNotFoundAsync(() => v1.Sectors[run].DeleteAsync(cancellationToken: cancellationToken));
    }

    private static async Task IgnoreNotFoundAsync(Func<Task> delete)
    {
        try
        {
            await delete();
        }
        catch (Problem gone) when (gone.ResponseStatusCode == 404)
        {
            // Never created: the example stopped before it.
        }
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
