using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Every Serilog event the service writes during a test run, so tests can inspect or grep the log.</summary>
public sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> events = new();

    public void Emit(LogEvent logEvent) => events.Enqueue(logEvent);

    public IReadOnlyList<LogEvent> Events => [.. events];

    /// <summary>The request log's lines (see LoggingSetup.UseCaseApiRequestLogging) of the request with this id.</summary>
    public IReadOnlyList<LogEvent> RequestLines(string requestId) =>
        [.. events.Where(e => e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal)
            && e.Properties.GetValueOrDefault("RequestId")?.ToString() == $"\"{requestId}\"")];

    /// <summary>
    /// Waits up to 2 s for a request line of each id: a line is written as its response completes, which can be just
    /// after the client has it. Returns whether all came; callers assert.
    /// </summary>
    public async Task<bool> WaitForRequestLinesAsync(CancellationToken ct, params string[] requestIds)
    {
        for (var i = 0; i < 100; i++)
        {
            if (requestIds.All(id => RequestLines(id).Count > 0)) return true;
            await Task.Delay(20, ct);
        }
        return false;
    }

    /// <summary>The log as text: each event's rendered message, its properties and its exception.</summary>
    public string Text() => string.Join('\n', events.Select(e =>
        $"{e.RenderMessage(null)} {string.Join(' ', e.Properties.Select(p => $"{p.Key}={p.Value}"))} {e.Exception}"));
}
