using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CaseApi.Tests.Auth.SignIn;

/// <summary>
/// A real OpenID Connect server (OpenIddict) on a loopback port: discovery, JWKS, a token endpoint issuing signed JWT access
/// tokens by the password grant for the test users, RFC 7662 introspection and RFC 7009 revocation, over its own tables (schema
/// idp) in the test database. Tokens are never made by hand; the tests change only what a real provider's operator could:
/// the users, the signing keys, and (through its clock) when tokens are issued.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string Audience = "caseapi";
    public const string ClientId = "caseapi-tests";
    public const string ClientSecret = "caseapi-tests-secret";
    public const string IntrospectionClientId = Audience;
    public const string IntrospectionClientSecret = "caseapi-introspection-secret";
    public const string Password = "correct horse battery staple";

    private readonly string connectionString;
    private readonly int port;
    private readonly List<RsaSecurityKey> signingKeys = [];
    private WebApplication? app;
    private bool tablesCreated;

    private TestIdentityProvider(string connectionString, int port, RsaSecurityKey key)
    {
        (this.connectionString, this.port) = (connectionString, port);
        signingKeys.Add(key);
    }

    public Uri Issuer => new($"http://127.0.0.1:{port}/");

    /// <summary>The provider's clock: shift it back to issue tokens as if earlier (an expired token, an old one).</summary>
    public ShiftedClock Clock { get; } = new();

    /// <summary>The key new tokens are signed with.</summary>
    public string CurrentKeyId => signingKeys[0].KeyId;

    /// <summary>The users of the directory: user name → subject, display name, role values and the audience of their tokens.</summary>
    public ConcurrentDictionary<string, TestUser> Users { get; } = new(
    [
        new("reader", new TestUser("u-reader", "Rita Reader", ["reader"])),
        new("editor", new TestUser("u-editor", "Ed Editor", ["editor"])),
        new("reviewer", new TestUser("u-reviewer", "Rev Reviewer", ["reviewer"])),
        new("admin", new TestUser("u-admin", "Ada Admin", ["admin"])),
        new("stranger", new TestUser("u-stranger", "Sam Stranger", ["superuser"])),
        new("outsider", new TestUser("u-outsider", "Otto Outsider", ["admin"], "another-api")),
    ]);

    /// <summary>Starts a provider; a second one over the same tables (another issuer) passes <paramref name="sharesStore"/>.</summary>
    public static async Task<TestIdentityProvider> StartAsync(string connectionString, RsaSecurityKey? key = null, bool sharesStore = false)
    {
        var provider = new TestIdentityProvider(connectionString, FreePort(), key ?? NewKey()) { tablesCreated = sharesStore };
        await provider.StartAsync();
        return provider;
    }

    public static RsaSecurityKey NewKey() => new(RSA.Create(2048)) { KeyId = $"key-{Guid.NewGuid():N}" };

    /// <summary>The first signing key, for a second provider that signs with the same key under another issuer.</summary>
    public RsaSecurityKey SigningKey => signingKeys[^1];

    /// <summary>Signs with a new key from now on and publishes both, as an operator rotating keys does; the issuer stays.</summary>
    public async Task RotateSigningKeyAsync()
    {
        signingKeys.Insert(0, NewKey());
        await app!.StopAsync();
        await app.DisposeAsync();
        await StartAsync();
    }

    /// <summary>An access token for a user, from the token endpoint (password grant).</summary>
    public async Task<string> TokenAsync(string user, CancellationToken ct)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Issuer, "connect/token"), new FormUrlEncodedContent(
        [
            new("grant_type", GrantTypes.Password), new("username", user), new("password", Password),
            new("client_id", ClientId), new("client_secret", ClientSecret),
        ]), ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        return response.IsSuccessStatusCode
            ? (string)body!["access_token"]!
            : throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>Revokes a token at the revocation endpoint (RFC 7009), as a person signing out everywhere would.</summary>
    public async Task RevokeAsync(string token, CancellationToken ct)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Issuer, "connect/revoke"), new FormUrlEncodedContent(
        [
            new("token", token), new("token_type_hint", TokenTypeHints.AccessToken),
            new("client_id", ClientId), new("client_secret", ClientSecret),
        ]), ct);
        response.EnsureSuccessStatusCode();
    }

    private async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls(Issuer.ToString());
        builder.Logging.ClearProviders();
        builder.Services.AddDbContext<IdentityProviderDbContext>(o => o.UseNpgsql(connectionString).UseOpenIddict());
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<IdentityProviderDbContext>())
            .AddServer(o =>
            {
                o.SetIssuer(Issuer);
                o.SetTokenEndpointUris("connect/token").SetIntrospectionEndpointUris("connect/introspect").SetRevocationEndpointUris("connect/revoke");
                o.AllowPasswordFlow();
                foreach (var key in signingKeys) o.AddSigningKey(key);
                o.AddEphemeralEncryptionKey().DisableAccessTokenEncryption();
                o.SetAccessTokenLifetime(TimeSpan.FromMinutes(60));
                o.Configure(options => options.TimeProvider = Clock);
                o.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            });
        app = builder.Build();
        app.MapPost("/connect/token", IssueToken);
        await CreateStoreAsync(app.Services);
        await app.StartAsync();
    }

    private IResult IssueToken(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest()!;
        if (!request.IsPasswordGrantType() || request.Username is null || !Users.TryGetValue(request.Username, out var user)
            || request.Password != Password)
        {
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject).SetClaim(Claims.Name, user.Name).SetClaims(Claims.Role, [.. user.Roles]);
        identity.SetResources(user.Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private async Task CreateStoreAsync(IServiceProvider services)
    {
        if (tablesCreated) return;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityProviderDbContext>();
        await db.GetService<IRelationalDatabaseCreator>().CreateTablesAsync();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId, ClientSecret = ClientSecret, ClientType = ClientTypes.Confidential,
            Permissions = { Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.GrantTypes.Password },
        });
        // The API itself, as a resource server: it may introspect tokens issued for it.
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = IntrospectionClientId, ClientSecret = IntrospectionClientSecret, ClientType = ClientTypes.Confidential,
            Permissions = { Permissions.Endpoints.Introspection },
        });
        tablesCreated = true;
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
    }
}

/// <summary>A person in the test provider's directory.</summary>
public sealed record TestUser(string Subject, string Name, string[] Roles, string Audience = TestIdentityProvider.Audience);

/// <summary>OpenIddict's tables, in a schema of their own beside the service's (the test reset truncates only the service's).</summary>
public sealed class IdentityProviderDbContext(DbContextOptions<IdentityProviderDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.HasDefaultSchema("idp");
}
