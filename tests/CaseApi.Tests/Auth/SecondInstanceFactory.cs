using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Auth;

/// <summary>Another service process over an existing test database (the first factory's), as a second replica.</summary>
public sealed class SecondInstanceFactory(string connectionString) : CaseApiFactory
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Existing(connectionString));
}
