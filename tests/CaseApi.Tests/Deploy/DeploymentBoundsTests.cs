using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Deploy;

/// <summary>
/// Issue 30, item 9: what a deployment may use and reach. /tmp is bounded, the pods reach only DNS and the database's
/// pods, compose keeps the OpenAPI document off in Production unless asked, and scripts/run.sh never prints the key.
/// </summary>
public sealed class DeploymentBoundsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_tmp_volume_of_every_pod_has_a_size_limit_and_the_api_pods_hold_the_concurrent_imports()
    {
        var byKind = Manifests();
        var settings = JsonNode.Parse(RepositoryFiles.Read("src/CaseApi/appsettings.json"))!;
        var importBytes = (long)settings["Imports"]!["MaxBodyBytes"]!;
        var concurrent = (int)settings["RateLimits"]!["BulkConcurrencyLimit"]!;

        foreach (var kind in new[] { "Deployment", "Job" })
        {
            var tmp = byKind[kind].Single().At("spec", "template", "spec").Items("volumes").Single(v => v.Text("name") == "tmp");
            Assert.True(tmp.At("emptyDir").Has("sizeLimit"), $"The {kind}'s /tmp emptyDir has no sizeLimit.");
        }
        var api = byKind["Deployment"].Single().At("spec", "template", "spec").Items("volumes").Single(v => v.Text("name") == "tmp");
        Assert.True(Bytes(api.At("emptyDir").Text("sizeLimit")) >= concurrent * importBytes,
            $"/tmp ({api.At("emptyDir").Text("sizeLimit")}) cannot hold {concurrent} imports of {importBytes} bytes.");
    }

    [Fact]
    public void Egress_goes_only_to_the_cluster_dns_the_database_pods_and_the_collector()
    {
        var policy = Manifests()["NetworkPolicy"].Single().At("spec");

        var rules = policy.Items("egress").ToList();
        // A rule without a destination admits every address on its ports.
        Assert.All(rules, rule => Assert.NotEmpty(rule.Items("to")));
        var dns = rules.Single(r => r.Items("ports").Any(p => p.Text("port") == "53"));
        var resolver = dns.Items("to").Single();
        Assert.Equal("kube-system", resolver.At("namespaceSelector", "matchLabels").Text("kubernetes.io/metadata.name"));
        Assert.Equal("kube-dns", resolver.At("podSelector", "matchLabels").Text("k8s-app"));
        var database = rules.Single(r => r.Items("ports").Any(p => p.Text("port") == "5432"));
        var pods = database.Items("to").Single();
        Assert.False(pods.Has("ipBlock"));
        Assert.True(pods.Has("podSelector"), "The database rule names no pods.");
    }

    [Fact]
    public void Compose_serves_the_openapi_document_in_production_only_when_asked()
    {
        var api = Yaml.Load(RepositoryFiles.Read("docker-compose.yml")).Single().At("services", "api", "environment");

        Assert.Equal("Production", api.Text("ASPNETCORE_ENVIRONMENT"));
        Assert.Matches(@"^\$\{[A-Z_]+:-false\}$", api.Text("OpenApi__Enabled"));
    }

    // The scripts are bash: they run, and are tested, where file modes exist.
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Run_sh_prints_where_the_admin_key_is_and_never_the_key()
    {
        var work = Directory.CreateTempSubdirectory("caseapi-run.").FullName;
        try
        {
            // A copy of the script with a stand-in dotnet: the script's own output is under test, not the service.
            Directory.CreateDirectory(Path.Combine(work, "scripts"));
            Directory.CreateDirectory(Path.Combine(work, "bin"));
            File.Copy(RepositoryFiles.PathOf("scripts/run.sh"), Path.Combine(work, "scripts", "run.sh"));
            var dotnet = Path.Combine(work, "bin", "dotnet");
            await File.WriteAllTextAsync(dotnet, "#!/bin/sh\nexit 0\n", Ct);
            File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            var output = await RunAsync(work, Path.Combine(work, "bin"));

            var key = await File.ReadAllTextAsync(Path.Combine(work, ".local", "admin-key"), Ct);
            Assert.StartsWith("cak_", key, StringComparison.Ordinal);
            Assert.DoesNotContain(key, output, StringComparison.Ordinal);
            Assert.Contains(".local/admin-key", output, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(work, ".local", "admin-key")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<string> RunAsync(string work, string bin)
    {
        var start = new ProcessStartInfo(Path.Combine(work, "scripts", "run.sh"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = work,
        };
        start.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        // A server is named, so the script starts no local cluster.
        start.Environment["ConnectionStrings__Cases"] = "Host=unused";
        start.Environment["CASEAPI_URL"] = "http://127.0.0.1:1";
        start.Environment.Remove("Auth__BootstrapAdminKey");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var errors = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, await errors);
        return await output + await errors;
    }

    private static ILookup<string, Yaml> Manifests() =>
        Directory.GetFiles(RepositoryFiles.PathOf("deploy/kubernetes"), "*.yaml")
            .SelectMany(file => Yaml.Load(File.ReadAllText(file))).ToLookup(d => d.Text("kind"));

    /// <summary>A Kubernetes quantity with a binary suffix (Ki, Mi, Gi), in bytes.</summary>
    private static long Bytes(string quantity)
    {
        var units = new[] { ("Gi", 1L << 30), ("Mi", 1L << 20), ("Ki", 1L << 10) };
        var (suffix, factor) = units.Single(u => quantity.EndsWith(u.Item1, StringComparison.Ordinal));
        return long.Parse(quantity[..^suffix.Length], CultureInfo.InvariantCulture) * factor;
    }
}
