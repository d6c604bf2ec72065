using System.Text.RegularExpressions;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Deploy;

/// <summary>
/// No Docker daemon or cluster runs here, so the container and deployment files are checked by parsing them: the
/// essentials that, when missing, make a deployment fail or race (health, non-root, migrations as their own step).
/// </summary>
public sealed partial class DeploymentFilesTests
{
    [Fact]
    public void Compose_runs_postgres_with_a_pg_isready_healthcheck_and_a_named_volume()
    {
        var compose = Yaml.Load(RepositoryFiles.Read("docker-compose.yml")).Single();

        var postgres = compose.At("services", "postgres");
        Assert.StartsWith("postgres:", postgres.Text("image"));
        Assert.Contains("pg_isready", string.Join(' ', postgres.At("healthcheck").List("test")));
        // The data volume is named; the other mount is the init script that creates the roles.
        var volumes = postgres.List("volumes").Select(v => v.Split(':')[0]).ToList();
        Assert.Contains(volumes, v => compose.At("volumes").Has(v));
        Assert.Contains(postgres.List("volumes"), v => v.Contains("/docker-entrypoint-initdb.d/", StringComparison.Ordinal));
    }

    [Fact]
    public void Compose_builds_the_api_from_the_dockerfile_after_a_healthy_database_and_a_separate_migration()
    {
        var services = Yaml.Load(RepositoryFiles.Read("docker-compose.yml")).Single().At("services");

        var api = services.At("api");
        Assert.Equal("deploy/Dockerfile", api.At("build").Text("dockerfile"));
        Assert.Equal("service_healthy", api.At("depends_on", "postgres").Text("condition"));
        Assert.Equal("service_completed_successfully", api.At("depends_on", "migrate").Text("condition"));
        Assert.Contains("Host=postgres", api.At("environment").Text("ConnectionStrings__Cases"));
        Assert.Equal("false", api.At("environment").Text("Database__ApplyMigrations"));
        Assert.Equal(["migrate"], services.At("migrate").List("command"));
        Assert.Equal("deploy/Dockerfile", services.At("migrate").At("build").Text("dockerfile"));
    }

    [Fact]
    public void Dockerfile_builds_with_the_sdk_and_runs_on_aspnet_as_non_root_on_8080_with_a_healthcheck()
    {
        var lines = Instructions(RepositoryFiles.Read("deploy/Dockerfile"));

        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.True(stages.Count >= 2, "The Dockerfile is not multi-stage.");
        Assert.Contains("dotnet/sdk:", stages[0]);
        Assert.Contains("dotnet/aspnet:", stages[^1]);
        var runtime = lines.SkipWhile(l => l != stages[^1]).ToList();
        Assert.Contains(runtime, l => l.StartsWith("COPY --from=", StringComparison.Ordinal));
        var user = Assert.Single(runtime, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotMatch(@"^USER\s+(root|0)(:|$)", user);
        Assert.Contains("EXPOSE 8080", runtime);
        var healthcheck = Assert.Single(runtime, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        // The aspnet image has neither curl nor wget.
        Assert.Contains("healthcheck", healthcheck.Split(" CMD ")[1]);
        Assert.DoesNotMatch("curl|wget", healthcheck);
    }

    [Fact]
    public void Kubernetes_manifests_hold_a_probed_resourced_deployment_a_service_and_a_migration_job()
    {
        var documents = Directory.GetFiles(RepositoryFiles.PathOf("deploy/kubernetes"), "*.yaml")
            .SelectMany(file => Yaml.Load(File.ReadAllText(file))).ToList();
        var byKind = documents.ToLookup(d => d.Text("kind"));

        foreach (var kind in new[] { "Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job" })
        {
            Assert.True(byKind[kind].Any(), $"No {kind} in deploy/kubernetes.");
        }

        var deployment = byKind["Deployment"].Single();
        var container = deployment.At("spec", "template", "spec").Items("containers").Single();
        Assert.Equal("/health/ready", container.At("readinessProbe", "httpGet").Text("path"));
        Assert.Equal("/health/live", container.At("livenessProbe", "httpGet").Text("path"));
        Assert.True(container.At("resources", "requests").Has("cpu") && container.At("resources", "requests").Has("memory"));
        Assert.True(container.At("resources", "limits").Has("memory"));
        var http = container.Items("ports").Single(p => p.Text("name") == "http");
        Assert.Equal(8080, int.Parse(http.Text("containerPort"), System.Globalization.CultureInfo.InvariantCulture));
        var secrets = container.Items("env").Where(e => e.Has("valueFrom")).ToDictionary(e => e.Text("name"), e => e.At("valueFrom", "secretKeyRef").Text("name"));
        Assert.Contains("ConnectionStrings__Cases", secrets.Keys);
        Assert.Contains("Auth__BootstrapAdminKey", secrets.Keys);

        var configMap = byKind["ConfigMap"].Single();
        Assert.Equal(configMap.At("metadata").Text("name"), container.Items("envFrom").Single().At("configMapRef").Text("name"));
        Assert.Equal("false", configMap.At("data").Text("Database__ApplyMigrations"));

        var labels = deployment.At("spec", "template", "metadata", "labels");
        foreach (var selector in new[] { byKind["Service"].Single().At("spec", "selector"), byKind["PodDisruptionBudget"].Single().At("spec", "selector", "matchLabels") })
        {
            Assert.All(selector.Keys, key => Assert.Equal(selector.Text(key), labels.Text(key)));
        }
        Assert.Equal(deployment.At("metadata").Text("name"), byKind["HorizontalPodAutoscaler"].Single().At("spec", "scaleTargetRef").Text("name"));

        var job = byKind["Job"].Single().At("spec", "template", "spec");
        Assert.Equal("Never", job.Text("restartPolicy"));
        Assert.Equal(["migrate"], job.Items("containers").Single().List("args"));
    }

    [Fact]
    public void Compose_has_no_default_secrets_and_migrates_as_the_owner_while_the_api_serves_as_the_serving_role()
    {
        var text = RepositoryFiles.Read("docker-compose.yml");
        var services = Yaml.Load(text).Single().At("services");

        Assert.DoesNotContain("change-me", text, StringComparison.Ordinal);
        Assert.Matches(@"^\$\{CASEAPI_ADMIN_KEY:\?", services.At("api").At("environment").Text("Auth__BootstrapAdminKey"));
        Assert.DoesNotMatch(@"\$\{[A-Z_]*PASSWORD:-", text);
        Assert.Contains("Username=caseapi_owner", services.At("migrate").At("environment").Text("ConnectionStrings__Cases"));
        Assert.Contains("Username=caseapi_service", services.At("api").At("environment").Text("ConnectionStrings__Cases"));
        Assert.NotEqual("*", services.At("api").At("environment").Text("AllowedHosts"));
    }

    [Fact]
    public void Compose_signs_people_in_through_the_keycloak_realm_it_imports()
    {
        var services = Yaml.Load(RepositoryFiles.Read("docker-compose.yml")).Single().At("services");
        // JSON is YAML: the realm file parses with the same reader.
        var realm = Yaml.Load(RepositoryFiles.Read("deploy/keycloak/caseapi-realm.json")).Single();

        var api = services.At("api").At("environment");
        Assert.Equal($"http://keycloak:8080/realms/{realm.Text("realm")}", api.Text("Auth__Oidc__Authority"));
        Assert.Equal(Policies.Roles.Order(StringComparer.Ordinal),
            realm.At("roles").Items("realm").Select(r => r.Text("name")).Order(StringComparer.Ordinal));
        Assert.Equal("realm_access.roles", api.Text("Auth__Oidc__RoleClaim"));
        var clients = realm.Items("clients").ToList();
        var cli = clients.Single(c => c.Text("clientId") == "caseapi-cli");
        Assert.Equal(api.Text("Auth__Oidc__Audience"), cli.Items("protocolMappers").Single().At("config").Text("included.client.audience"));
        Assert.Contains(clients, c => c.Text("clientId") == api.Text("Auth__Oidc__IntrospectionClientId") && c.Text("publicClient") == "false");
        Assert.Matches(@"^\$\{CASEAPI_INTROSPECTION_SECRET:\?", api.Text("Auth__Oidc__IntrospectionClientSecret"));
        Assert.Equal("/opt/keycloak/data/import", services.At("keycloak").List("volumes").Single().Split(':')[1]);
        // Issue 39: compose is a curated deployment, so an editor's case writes wait for the realm's reviewer.
        Assert.Equal("editors", api.Text("Review__Mode"));
        Assert.Equal(["editor", "reviewer"], realm.Items("users").Select(u => u.List("realmRoles").Single()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Kubernetes_pods_are_hardened_alike_carry_no_service_account_token_and_sit_behind_a_network_policy()
    {
        var documents = Directory.GetFiles(RepositoryFiles.PathOf("deploy/kubernetes"), "*.yaml")
            .SelectMany(file => Yaml.Load(File.ReadAllText(file))).ToList();
        var byKind = documents.ToLookup(d => d.Text("kind"));

        foreach (var pod in new[] { byKind["Deployment"].Single(), byKind["Job"].Single() }.Select(d => d.At("spec", "template", "spec")))
        {
            Assert.Equal("false", pod.Text("automountServiceAccountToken"));
            Assert.Equal("true", pod.At("securityContext").Text("runAsNonRoot"));
            Assert.Equal("RuntimeDefault", pod.At("securityContext", "seccompProfile").Text("type"));
            var container = pod.Items("containers").Single().At("securityContext");
            Assert.Equal("false", container.Text("allowPrivilegeEscalation"));
            Assert.Equal("true", container.Text("readOnlyRootFilesystem"));
            Assert.Equal(["ALL"], container.At("capabilities").List("drop"));
        }
        var policy = byKind["NetworkPolicy"].Single().At("spec");
        Assert.Equal(["Ingress", "Egress"], policy.List("policyTypes"));
    }

    private static List<string> Instructions(string dockerfile) =>
        [.. LineContinuation().Replace(dockerfile, " ").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [GeneratedRegex(@"\\\r?\n\s*")]
    private static partial Regex LineContinuation();
}
