using Serilog.Core;
using Serilog.Events;

namespace CaseApi.Infrastructure.Logging;

/// <summary>
/// Stamps every event logged during a request with the request's id, the traceId its problems carry. ASP.NET Core's
/// own log scope holds the id the request arrived with, before a caller's X-Request-Id was adopted; this one is current.
/// </summary>
internal sealed class RequestIdEnricher(IHttpContextAccessor http) : ILogEventEnricher
{
    public const string PropertyName = "RequestId";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (http.HttpContext is { } context) logEvent.AddOrUpdateProperty(propertyFactory.CreateProperty(PropertyName, context.TraceIdentifier));
    }
}
