using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CaseApi.Bench;

/// <summary>
/// The get-by-id reference with HTTP in it: the least any ASP.NET Core service does to answer GET /cases/{id}. A bare
/// Kestrel endpoint runs the benchmark's prepared SELECT and writes the row's columns as JSON; no authentication, rate
/// limit, request log, metrics, ETag or response model. The prepared SELECT alone has no HTTP at all (no wrk, no
/// sockets, no Kestrel), so the service's distance from it is mostly the price of HTTP on the same two cores; this
/// reference measures that price, and the service is held to what it adds on top.
/// It runs as a child process of the driver (the driver's dll with "bare"), with the runtime settings the service has
/// (workstation GC; thread-pool spinning off, CaseApi.csproj) and a heap and thread pool of its own, apart from the
/// driver's SQL references. Its JSON is generic (jsonb columns as strings): about the bytes of the service's body.
/// </summary>
internal sealed class BareEndpoint : IAsyncDisposable
{
    private readonly Process process;

    private BareEndpoint(Process process, string url) => (this.process, Url) = (process, url);

    public string Url { get; }

    /// <summary>Starts the child on a free loopback port and waits until it answers for <paramref name="probeId"/>.</summary>
    public static async Task<BareEndpoint> StartAsync(string connectionString, Guid probeId)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        // The child writes nothing (its logging is off) but a crash, which then shows in the driver's output.
        var start = new ProcessStartInfo("dotnet", [typeof(BareEndpoint).Assembly.Location, "bare", "--connection", connectionString, "--url", url]);
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        var endpoint = new BareEndpoint(Process.Start(start)!, url);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var response = await http.GetAsync($"/cases/{probeId}");
                if (response.IsSuccessStatusCode) return endpoint;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        await endpoint.DisposeAsync();
        throw new InvalidOperationException($"The bare ASP.NET Core reference did not answer on {url}.");
    }

    public async ValueTask DisposeAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>The child's entry point (BenchProgram: "bare --connection … --url …").</summary>
    public static async Task<int> ServeAsync(string connectionString, string url, string sql)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var app = builder.Build();
        app.MapGet("/cases/{id:guid}", async (Guid id, HttpContext http) =>
        {
            await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
            await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = id } } };
            await using var reader = await command.ExecuteReaderAsync(http.RequestAborted);
            if (!await reader.ReadAsync(http.RequestAborted))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            http.Response.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(http.Response.BodyWriter);
            json.WriteStartObject();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                json.WritePropertyName(reader.GetName(i));
                var value = reader.GetValue(i);
                if (value is DBNull) json.WriteNullValue();
                else JsonSerializer.Serialize(json, value, value.GetType());
            }
            json.WriteEndObject();
        });
        await app.RunAsync();
        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
