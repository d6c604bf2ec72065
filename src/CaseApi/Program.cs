using CaseApi.Cases;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Logging;
using CaseApi.Infrastructure.Observability;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.ReferenceData;
using FluentValidation;

if (args is ["healthcheck", ..]) return await HealthProbe.RunAsync();

var builder = WebApplication.CreateBuilder(args);

builder.AddCaseApiLogging();
builder.AddCaseApiObservability();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddCaseApiHttp(builder.Configuration);
builder.Services.AddCaseStore(builder.Configuration);
builder.Services.AddCaseApiAuthorization();
builder.Services.AddSingleton<ReferenceCodes>();
builder.Services.AddValidatorsFromAssemblyContaining<Program>(includeInternalTypes: true);
builder.Services.AddCaseApiOpenApi();

var app = builder.Build();

if (args is ["migrate", ..])
{
    // Production migrates as its own step (a Job, a CI stage) so that replicas never race to migrate at start-up.
    await app.Services.MigrateDatabaseAsync();
    return 0;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCaseApiRequestLogging();

app.MapOpenApi();
app.UseSwaggerUI(ui => ui.SwaggerEndpoint("/openapi/v1.json", "CaseApi v1"));
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapCaseEndpoints();
app.MapCaseListEndpoints();
app.MapReferenceEndpoints();

await app.PrepareDatabaseAsync();
await app.RunAsync();
return 0;
