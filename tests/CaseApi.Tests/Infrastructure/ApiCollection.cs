namespace CaseApi.Tests.Infrastructure;

/// <summary>All database tests share one server and run serially, each after a reset.</summary>
[CollectionDefinition(nameof(ApiCollection))]
public sealed class ApiCollection : ICollectionFixture<CaseApiFactory>;

/// <summary>Tests that measure the whole process (memory) and so must run alone, never in parallel with other tests.</summary>
[CollectionDefinition(nameof(SerialApiCollection), DisableParallelization = true)]
public sealed class SerialApiCollection : ICollectionFixture<CaseApiFactory>;
