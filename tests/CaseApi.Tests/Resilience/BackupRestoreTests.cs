using System.Net;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using CaseApi.Tests.Imports;
using CaseApi.Tests.Infrastructure;
using Npgsql;

namespace CaseApi.Tests.Resilience;

/// <summary>
/// scripts/backup.sh and scripts/restore.sh end to end: a store with cases, an import and their audit trail is backed
/// up, restored into a fresh database, and a second service started on the copy answers exactly as the first.
/// </summary>
public sealed class BackupRestoreTests(CaseApiFactory api) : ImportTest(api)
{
    [Fact]
    public async Task A_restored_backup_serves_the_same_export_and_audit_log_byte_for_byte()
    {
        await CreateCaseAsync(CaseSamples.Minimal("created-by-post"));
        var lines = string.Join('\n', Enumerable.Range(1, 20).Select(i => LargeImportTests.Synthetic(i).ToJsonString()));
        await ImportReportAsync(lines, NdjsonType);
        var directory = Directory.CreateTempSubdirectory("caseapi-backup.").FullName;
        var restored = new NpgsqlConnectionStringBuilder(Api.ConnectionString) { Database = $"caseapi_restored_{Guid.NewGuid():N}" };
        try
        {
            var file = Path.Combine(directory, "caseapi.dump");
            var archive = (await RepositoryScripts.RunAsync("scripts/backup.sh", [LibpqOf(Api.ConnectionString), file], ct: Ct)).Trim();
            await RepositoryScripts.RunAsync("scripts/restore.sh", [archive, LibpqOf(Api.ConnectionString, "postgres"), restored.Database!], ct: Ct);
            await using var copy = new ExistingDatabaseFactory(restored.ConnectionString);
            await copy.InitializeAsync();
            using var copyClient = copy.CreateClient(CaseApiFactory.AdminKey);

            foreach (var format in new[] { "csv", "ndjson" })
            {
                var original = await ExportAsync(Client, format);
                Assert.Equal(original, await ExportAsync(copyClient, format));
            }
            var audit = await AuditLogAsync(Client);
            Assert.Equal(audit, await AuditLogAsync(copyClient));
            Assert.Contains("\"action\":\"import\"", audit, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
            NpgsqlConnection.ClearAllPools();
            var postgres = new NpgsqlConnectionStringBuilder(Api.ConnectionString) { Database = "postgres" };
            await using var server = new NpgsqlConnection(postgres.ConnectionString);
            await server.OpenAsync(Ct);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{restored.Database}\" WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync(Ct);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_backup_is_readable_only_by_its_owner_in_a_folder_only_its_owner_opens()
    {
        var directory = Directory.CreateTempSubdirectory("caseapi-backup.").FullName;
        try
        {
            var file = Path.Combine(directory, "new-folder", "caseapi.dump");

            await RepositoryScripts.RunAsync("scripts/backup.sh", [LibpqOf(Api.ConnectionString), file], ct: Ct);

            const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(file));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(file + ".sha256"));
            Assert.Equal(OwnerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("password=secret")]
    [InlineData("PASSWORD = secret")]
    [InlineData("postgresql://caseapi_owner:secret@localhost/caseapi")]
    [InlineData("postgresql://localhost/caseapi?user=caseapi_owner&password=secret")]
    public async Task Backup_and_restore_refuse_a_password_in_the_connection_string_and_name_pgpassword(string withPassword)
    {
        var conninfo = withPassword.Contains("://", StringComparison.Ordinal) ? withPassword : $"{LibpqOf(Api.ConnectionString)} {withPassword}";
        var directory = Directory.CreateTempSubdirectory("caseapi-backup.").FullName;
        try
        {
            var file = Path.Combine(directory, "caseapi.dump");

            var backup = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                RepositoryScripts.RunAsync("scripts/backup.sh", [conninfo, file], ct: Ct));
            var restore = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                RepositoryScripts.RunAsync("scripts/restore.sh", [file + ".missing", conninfo, "caseapi_never"], ct: Ct));

            Assert.Contains("PGPASSWORD", backup.Message, StringComparison.Ordinal);
            Assert.Contains(".pgpass", backup.Message, StringComparison.Ordinal);
            Assert.Contains("PGPASSWORD", restore.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The export's bytes. A case's version (its ETag) is PostgreSQL's xmin, which a restore cannot carry over: the only
    /// field that differs, so JSON exports are compared without it (the CSV export has no version column).
    /// </summary>
    private static async Task<string> ExportAsync(HttpClient client, string format)
    {
        var body = await client.GetStringAsync($"/api/v1/cases/export?format={format}", Ct);
        return format == "csv" ? body : string.Join('\n', body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var node = JsonNode.Parse(line)!.AsObject();
            node.Remove("version");
            return node.ToJsonString();
        }));
    }

    /// <summary>Every page of the audit log, as the service sent each one.</summary>
    private static async Task<string> AuditLogAsync(HttpClient client)
    {
        var pages = new List<string>();
        string? cursor = null;
        do
        {
            using var response = await client.GetAsync($"/api/v1/audit?limit=100{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadAsStringAsync(Ct);
            pages.Add(page);
            cursor = (string?)JsonNode.Parse(page)!["nextCursor"];
        }
        while (cursor is not null);
        return string.Join('\n', pages);
    }

    /// <summary>The libpq form of a test connection string, as an operator would pass it to the scripts.</summary>
    private static string LibpqOf(string connectionString, string? database = null)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"host={b.Host} port={b.Port} user={b.Username} dbname={database ?? b.Database}";
    }

    private sealed class ExistingDatabaseFactory(string connectionString) : CaseApiFactory
    {
        protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Existing(connectionString));
    }
}
