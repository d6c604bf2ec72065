namespace CaseApi.Tests.Infrastructure;

/// <summary>All database tests share one server and run serially, each after a reset.</summary>
[CollectionDefinition(nameof(ApiCollection))]
public sealed class ApiCollection : ICollectionFixture<CaseApiFactory>;
