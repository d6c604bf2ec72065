using System.ComponentModel.DataAnnotations;
using CaseApi.Infrastructure.Errors;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Http;

public sealed class ShutdownOptions : IValidatableObject
{
    public const string Section = "Shutdown";

    /// <summary>
    /// Seconds from SIGTERM until the process exits (HostOptions.ShutdownTimeout): no new connections are accepted, and
    /// requests already running may finish. Kubernetes' preStop sleep plus this must fit in terminationGracePeriodSeconds.
    /// </summary>
    [Range(1, 3600)]
    public int DrainSeconds { get; set; } = 25;

    /// <summary>The last seconds of the drain, kept to cancel and roll back what is still running and to answer it with a 503.</summary>
    [Range(1, 600)]
    public int RollbackSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RollbackSeconds >= DrainSeconds) yield return new ValidationResult("Shutdown:RollbackSeconds must be less than Shutdown:DrainSeconds.");
    }
}

/// <summary>
/// The end of the drain for requests: cancelled <see cref="ShutdownOptions.RollbackSeconds"/> before the host's shutdown
/// timeout, so that a request still running is rolled back and answered while the server can still send the answer.
/// </summary>
internal sealed class ShutdownDrain : IDisposable
{
    private readonly CancellationTokenSource ended;

    public ShutdownDrain(IHostApplicationLifetime lifetime, IOptions<ShutdownOptions> options, TimeProvider time, ILogger<ShutdownDrain> log)
    {
        ended = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        var work = TimeSpan.FromSeconds(options.Value.DrainSeconds - options.Value.RollbackSeconds);
        lifetime.ApplicationStopping.Register(() =>
        {
            log.LogInformation("Stopping: requests in flight have {Seconds} s to finish before they are rolled back", work.TotalSeconds);
            ended.CancelAfter(work);
        });
    }

    public CancellationToken Ended => ended.Token;

    public void Dispose() => ended.Dispose();
}

/// <summary>
/// Gives each API request a cancellation token that also ends with the drain, and turns what the end of the drain
/// cut short into a definite answer: 503 with Retry-After, saying the request was rolled back. Only the handler's work
/// is cancelled, never the writing of its result: once a handler has returned, its transaction has committed, and the
/// client must learn that.
/// </summary>
internal sealed class ShutdownDrainFilter(ShutdownDrain drain, ILogger<ShutdownDrainFilter> log) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var aborted = http.RequestAborted;
        var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, drain.Ended);
        // Kept until the response ends: a streamed result (an export) goes on using the handler's token after it returned.
        http.Response.RegisterForDispose(linked);
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            if (context.Arguments[i] is CancellationToken) context.Arguments[i] = linked.Token;
        }
        http.RequestAborted = linked.Token;
        try
        {
            return await next(context);
        }
        catch (Exception e) when (drain.Ended.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            // Whatever failed once the drain ended failed because of it (a cancelled command surfaces in several shapes).
            log.LogWarning("Rolled back {Method} {Path}: the shutdown drain ended before it finished ({Reason})",
                http.Request.Method, http.Request.Path.Value, e.Message);
            http.Response.Headers.RetryAfter = "1";
            return ProblemResults.Of(ProblemCodes.ShuttingDown, "The service is shutting down.",
                "This instance stopped before the request finished, so it was rolled back: nothing of it was stored (for an import, "
                    + "none of its records). Send it again; another instance will answer.");
        }
        finally
        {
            http.RequestAborted = aborted;
        }
    }
}
