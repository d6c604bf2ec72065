using System.Net.Http.Headers;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Auth.SignIn;

/// <summary>A test of the API trusting the in-process identity provider of its <see cref="SignInFactory"/>.</summary>
public abstract class SignInTest(SignInFactory api) : ApiTest(api)
{
    protected TestIdentityProvider Provider => ((SignInFactory)Api).Provider;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Provider.Clock.Shift = TimeSpan.Zero;
    }

    protected string PersonActor(string subject) => Actors.ForPerson(Provider.Issuer.ToString(), subject);

    protected async Task<HttpClient> ClientForUserAsync(string user) => Bearer(await Provider.TokenAsync(user, Ct));

    protected HttpClient Bearer(string token)
    {
        var client = AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
