using CaseApi.ApiKeys;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Entities;
using CaseApi.History;
using CaseApi.Imports;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Logging;
using CaseApi.Infrastructure.Observability;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Interop.Taxii;
using CaseApi.Linkage;
using CaseApi.ReferenceData;
using CaseApi.Releases;
using CaseApi.Review;
using CaseApi.Statistics;
using CaseApi.Store;
using FluentValidation;

if (args is ["healthcheck", ..]) return await HealthProbe.RunAsync();

var builder = WebApplication.CreateBuilder(args);

builder.AddCaseApiLogging();
builder.AddCaseApiObservability();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddCaseApiHttp(builder.Configuration);
builder.Services.AddCaseStore(builder.Configuration);
builder.Services.AddCaseApiSecurity(builder.Configuration);
builder.Services.AddImports();
builder.Services.AddLinkage();
builder.Services.AddHistory();
builder.Services.AddReview();
builder.Services.AddStatistics();
builder.Services.AddStoreVersionCache();
builder.Services.AddSingleton<ReferenceCodes>();
// Singletons: validators hold no per-request state, and building one compiles its rules' expressions; scoped, that
// compilation ran on every request (a quarter of GET /cases/{id}'s CPU went to the JIT).
builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton, includeInternalTypes: true);
builder.Services.AddCaseApiOpenApi();

var app = builder.Build();

if (args is ["migrate", ..])
{
    // Production migrates as its own step (a Job, a CI stage) so that replicas never race to migrate at start-up.
    await app.Services.MigrateDatabaseAsync();
    await app.Services.KeyEntitiesAsync();
    return 0;
}

app.UseCaseApiProxies();
app.UseCaseApiRequestId();
// Outside the exception handler, so that a request's line logs the status its client was answered.
app.UseCaseApiRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseManagementPort();
app.UseCaseApiSecurity();
app.UseConsistentReads();

app.MapCaseApiDocs();
app.MapHealthEndpoints();
app.MapMetricsEndpoint();

// Every resource is one route group under the versioned root.
var api = app.MapGroup("/api/v1");
api.AddEndpointFilter<ShutdownDrainFilter>().AddEndpointFilter(ETags.LostRaceAsync);
api.MapCaseEndpoints();
api.MapEntityEndpoints();
api.MapReferenceEndpoints();
api.MapAuditEndpoints();
api.MapApiKeyEndpoints();
api.MapImportEndpoints();
api.MapListEntryEndpoints();
api.MapMembershipEndpoints();
api.MapStatisticsEndpoints();
api.MapHistoryEndpoints();
api.MapReleaseEndpoints();
api.MapProposalEndpoints();
// TAXII 2.1 has its own root, media type and errors (Interop/Taxii/TaxiiEndpoints.cs).
app.MapTaxiiEndpoints();

await app.MigrateIfConfiguredAsync();
await app.KeyEntitiesIfConfiguredAsync();
await app.LoadSampleIfConfiguredAsync();
await app.EnsureBootstrapAdminKeyAsync();
return await app.RunCaseApiAsync();
