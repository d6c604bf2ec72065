using Serilog.Events;

namespace CaseApi.Infrastructure.Logging;

/// <summary>Errors that frameworks log for conditions that are expected, and that would otherwise alarm an operator.</summary>
internal static class ExpectedNoise
{
    public static bool IsExpected(LogEvent e) => e.Level >= LogEventLevel.Error && (IsMigrationsHistoryProbe(e) || IsBusyPort(e));

    /// <summary>
    /// On a first start EF Core reads the migrations history before the table exists, logs the failed command as an
    /// Error, then creates the table itself: the failure is part of how EF migrates an empty database.
    /// </summary>
    private static bool IsMigrationsHistoryProbe(LogEvent e) =>
        Is(e, "Microsoft.EntityFrameworkCore.Database.Command")
        && e.Properties.TryGetValue("commandText", out var command) && command is ScalarValue { Value: string sql }
        && sql.StartsWith("SELECT migration_id, product_version", StringComparison.Ordinal)
        && sql.Contains("FROM __ef_migrations_history", StringComparison.Ordinal);

    /// <summary>A port in use is reported once, in one line, by <see cref="StartupFailures"/>; the host's stack trace adds nothing.</summary>
    private static bool IsBusyPort(LogEvent e) => Is(e, "Microsoft.Extensions.Hosting.Internal.Host") && StartupFailures.IsBusyPort(e.Exception);

    private static bool Is(LogEvent e, string sourceContext) =>
        e.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string s } && s == sourceContext;
}
