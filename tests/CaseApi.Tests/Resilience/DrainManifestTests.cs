using System.Globalization;
using CaseApi.Infrastructure.Http;
using CaseApi.Tests.Deploy;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Resilience;

/// <summary>Kubernetes must not SIGKILL a pod before the service's drain has ended: the grace period covers preStop plus the drain.</summary>
public sealed class DrainManifestTests
{
    [Fact]
    public void The_grace_period_covers_the_preStop_sleep_and_the_configured_drain()
    {
        var documents = Directory.GetFiles(RepositoryFiles.PathOf("deploy/kubernetes"), "*.yaml")
            .SelectMany(file => Yaml.Load(File.ReadAllText(file))).ToLookup(d => d.Text("kind"));
        var pod = documents["Deployment"].Single().At("spec", "template", "spec");
        var settings = documents["ConfigMap"].Single().At("data");

        var grace = Number(pod.Text("terminationGracePeriodSeconds"));
        var preStop = Number(pod.Items("containers").Single().At("lifecycle", "preStop", "sleep").Text("seconds"));
        var drain = Number(settings.Text($"{ShutdownOptions.Section}__{nameof(ShutdownOptions.DrainSeconds)}"));
        var rollback = Number(settings.Text($"{ShutdownOptions.Section}__{nameof(ShutdownOptions.RollbackSeconds)}"));

        Assert.True(preStop + drain < grace, $"preStop {preStop} s + drain {drain} s must end before the grace period ({grace} s).");
        Assert.InRange(rollback, 1, drain - 1);
    }

    private static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
