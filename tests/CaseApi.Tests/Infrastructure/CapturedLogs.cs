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

    /// <summary>The log as text: each event's rendered message, its properties and its exception.</summary>
    public string Text() => string.Join('\n', events.Select(e =>
        $"{e.RenderMessage(null)} {string.Join(' ', e.Properties.Select(p => $"{p.Key}={p.Value}"))} {e.Exception}"));
}
