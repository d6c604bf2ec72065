using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Http;

/// <summary>
/// Aborts the connection of a bulk response (an export) whose client has accepted nothing for
/// <see cref="RequestLimitOptions.MaxWriteStallSeconds"/>. Kestrel's minimum data rate averages over the whole
/// response, so a client that read megabytes quickly and then stopped would hold its database connection for
/// minutes; this bounds every single write. The client sees an unterminated chunked body, never a short file.
/// </summary>
public static class WriteStallGuard
{
    public static IApplicationBuilder UseWriteStallGuard(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == RateLimitPolicies.Bulk)
        {
            var limit = TimeSpan.FromSeconds(http.RequestServices.GetRequiredService<IOptions<RequestLimitOptions>>().Value.MaxWriteStallSeconds);
            http.Response.Body = new GuardedStream(http.Response.Body, http, limit);
        }
        return next(http);
    });

    private sealed class GuardedStream(Stream inner, HttpContext http, TimeSpan limit) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var stalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stalled.CancelAfter(limit);
            try
            {
                await inner.WriteAsync(buffer, stalled.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                http.Abort();
                throw;
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            using var stalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stalled.CancelAfter(limit);
            try
            {
                await inner.FlushAsync(stalled.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                http.Abort();
                throw;
            }
        }

        // Kestrel forbids synchronous writes; so does this.
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Synchronous writes are not allowed.");
        public override void Flush() => throw new NotSupportedException("Synchronous writes are not allowed.");
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
