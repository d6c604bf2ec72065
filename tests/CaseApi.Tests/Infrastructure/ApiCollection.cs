namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// A collection for a class that brings its own factory (<c>IClassFixture</c>) and wants no parallel neighbour inside
/// it; API test classes no longer share it, each has its own database through <see cref="ApiTest"/>.
/// </summary>
[CollectionDefinition(nameof(ApiCollection))]
public sealed class ApiCollection;

/// <summary>
/// Tests that control processes (start and kill a service, cap its heap, stop a server): they run alone, after the parallel classes,
/// each class still on its own database through <see cref="ApiTest"/>'s class fixture.
/// </summary>
[CollectionDefinition(nameof(ProcessCollection), DisableParallelization = true)]
public sealed class ProcessCollection;
