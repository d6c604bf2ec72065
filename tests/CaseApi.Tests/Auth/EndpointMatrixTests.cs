using System.Net;
using System.Security.Claims;
using System.Text;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Auth;

/// <summary>
/// Generated from the app's own endpoint list, so every endpoint anyone adds is covered: anonymous → 401, every role that
/// does not satisfy the endpoint's policy → 403, every role that does → neither (and never a 5xx). Reviewers sign in as
/// people, so the reviewer's credential here is a principal the test authorizes directly against the same policies.
/// </summary>
public sealed class EndpointMatrixTests(CaseApiFactory api) : ApiTest(api)
{
    private static readonly string[] AnonymousRoutes = ["/health/live", "/health/ready", "/openapi/{documentName}.json"];

    // The access rule, stated here rather than read from Policies so that a wrong table there fails this test: the roles
    // admitted by an endpoint of each policy. A reviewer reads what a reader reads and writes nothing (yet).
    private static readonly Dictionary<string, string[]> Admitted = new()
    {
        [Policies.Reader] = [Policies.Reader, Policies.Reviewer, Policies.Editor, Policies.Admin],
        [Policies.Reviewer] = [Policies.Reviewer, Policies.Admin],
        [Policies.Editor] = [Policies.Editor, Policies.Admin],
        [Policies.Admin] = [Policies.Admin],
    };

    [Fact]
    public void Every_endpoint_names_a_role_policy_or_is_one_of_the_known_anonymous_ones()
    {
        var unprotected = Endpoints()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null ? RequiredRole(e) is null : !AnonymousRoutes.Contains(e.RoutePattern.RawText))
            .Select(e => e.DisplayName).ToList();

        Assert.Empty(unprotected);
        Assert.True(Endpoints().Count() > 20, "The endpoint list looks incomplete.");
    }

    [Fact]
    public async Task The_fallback_policy_denies_an_endpoint_without_a_policy_even_to_an_admin()
    {
        var authorization = Api.Services.GetRequiredService<IAuthorizationService>();
        var fallback = (await Api.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetFallbackPolicyAsync())!;
        var http = new DefaultHttpContext();
        http.SetEndpoint(new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/forgotten"), 0, EndpointMetadataCollection.Empty, "forgotten"));
        var admin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Policies.Admin)], "test"));

        var result = await authorization.AuthorizeAsync(admin, http, fallback);

        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task Every_endpoint_refuses_anonymous_callers_and_weaker_roles_and_admits_its_role()
    {
        var clients = new Dictionary<string, HttpClient>
        {
            [Policies.Reader] = await ClientForRoleAsync(Policies.Reader),
            [Policies.Editor] = await ClientForRoleAsync(Policies.Editor),
            [Policies.Admin] = Client,
        };
        var authorization = Api.Services.GetRequiredService<IAuthorizationService>();
        var reviewer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Policies.Reviewer)], "test"));
        var anonymous = AnonymousClient();
        var failures = new List<string>();
        var checkedCount = 0;

        foreach (var endpoint in Endpoints().Where(e => RequiredRole(e) is not null))
        {
            var role = RequiredRole(endpoint)!;
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var url = Url(endpoint.RoutePattern);
                var mediaType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes is [var accepted, ..] ? accepted : "application/json";
                await ExpectAsync(anonymous, method, url, mediaType, s => s == HttpStatusCode.Unauthorized, "anonymous → 401");
                foreach (var (other, client) in clients)
                {
                    if (Admitted[role].Contains(other))
                    {
                        await ExpectAsync(client, method, url, mediaType,
                            s => s is not HttpStatusCode.Unauthorized and not HttpStatusCode.Forbidden && (int)s < 500,
                            $"{other} → admitted, no 5xx");
                    }
                    else
                    {
                        await ExpectAsync(client, method, url, mediaType, s => s == HttpStatusCode.Forbidden, $"{other} → 403");
                    }
                }
                var reviewed = await authorization.AuthorizeAsync(reviewer, null, role);
                if (reviewed.Succeeded != Admitted[role].Contains(Policies.Reviewer))
                {
                    failures.Add($"{method} {url}: a reviewer is {(reviewed.Succeeded ? "admitted" : "refused")}");
                }
                checkedCount++;
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(checkedCount > 20);
        Assert.True(Policies.Roles.All(r => r == Policies.Reviewer || clients.ContainsKey(r)), "A role is missing from the matrix.");
        Assert.Equal(Policies.Roles.Order(StringComparer.Ordinal), Admitted.Keys.Order(StringComparer.Ordinal));

        async Task ExpectAsync(HttpClient client, string method, string url, string mediaType, Func<HttpStatusCode, bool> expected, string rule)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            // The body the endpoint declares it accepts: routing answers 415 to other media types before authorization runs.
            if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, mediaType);
            using var response = await client.SendAsync(request, Ct);
            if (!expected(response.StatusCode))
            {
                failures.Add($"{method} {url}: expected {rule}, got {(int)response.StatusCode}");
            }
            else if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                     && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{method} {url}: {(int)response.StatusCode} is not a problem+json");
            }
        }
    }

    private IEnumerable<RouteEndpoint> Endpoints() =>
        Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    /// <summary>The strongest role among the endpoint's policies (a group's reader plus an endpoint's editor is editor).</summary>
    private static string? RequiredRole(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Where(p => p is not null && Policies.Roles.Contains(p))
            .OrderBy(p => Policies.Roles.ToList().IndexOf(p!)).LastOrDefault();

    private static string Url(RoutePattern pattern) => "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternSeparatorPart separator => separator.Content,
        RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content == "guid") => Guid.NewGuid().ToString(),
        RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content is "int" or "long") => "1",
        _ => "no-such-code",
    }))));
}
