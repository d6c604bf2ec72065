using CaseApi.Cases;
using CaseApi.Imports;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Logging;
using CaseApi.ReferenceData;
using CaseApi.Statistics.Coverage;
using FluentValidation;

var builder = WebApplication.CreateBuilder(args);

builder.AddCaseApiLogging();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddCaseApiHttp(builder.Configuration);
builder.Services.AddCaseStore(builder.Configuration);
builder.Services.AddCaseApiAuthorization();
builder.Services.AddImports();
builder.Services.AddSingleton<ReferenceCodes>();
builder.Services.AddValidatorsFromAssemblyContaining<Program>(includeInternalTypes: true);
builder.Services.AddOpenApi();

var app = builder.Build();

if (args is ["migrate", ..])
{
    // Production migrates as its own step (a Job, a CI stage) so that replicas never race to migrate at start-up.
    await app.Services.MigrateDatabaseAsync();
    return;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCaseApiRequestLogging();

app.MapOpenApi();
app.UseSwaggerUI(ui => ui.SwaggerEndpoint("/openapi/v1.json", "CaseApi v1"));
app.MapHealthEndpoints();
app.MapCaseEndpoints();
app.MapCaseListEndpoints();
app.MapReferenceEndpoints();
app.MapImportEndpoints();
app.MapCoverageEndpoints();

await app.PrepareDatabaseAsync();
await app.RunAsync();
