using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CaseApi.Store;
using CaseApi.Tests.History;
using CaseApi.Tests.Infrastructure;
using Npgsql;

namespace CaseApi.Tests.Store;

/// <summary>
/// Issue 30, item 6: HistoryRegistry and the database's history triggers describe the same tables the same way, so a table
/// captured later is not shown, rebuilt or exempted from its audit rows by accident.
/// </summary>
public sealed class HistoryRegistryTests(CaseApiFactory api) : HistoryTest(api)
{
    // Each trigger calling history_capture, with its arguments: entity, key, slug, content, whether the content is kept.
    private const string CapturedSql = """
        SELECT DISTINCT c.relname, encode(t.tgargs, 'escape')
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE t.tgfoid = 'history_capture'::regproc
        """;

    [Fact]
    public async Task Every_table_the_triggers_capture_is_registered_as_they_capture_it()
    {
        await using var connection = await OpenAsync();

        var captured = await CapturedAsync(connection);

        Assert.Equal(HistoryRegistry.Tables.Select(t => t.Table).Order(StringComparer.Ordinal),
            captured.Select(g => g.Key).Order(StringComparer.Ordinal));
        Assert.All(HistoryRegistry.Tables, t =>
        {
            var arguments = Assert.Single(captured[t.Table]);
            Assert.Equal(t.Entity, arguments[0]);
            Assert.Equal(t.Content, arguments[3]);
            Assert.Equal(t.KeepsContent ? "true" : "false", arguments[4]);
        });
    }

    [Fact]
    public async Task A_table_captured_without_being_registered_is_found()
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        await using (var create = new NpgsqlCommand("""
            CREATE TABLE scratch_captured (id int PRIMARY KEY, secret text);
            CREATE TRIGGER history_insert AFTER INSERT ON scratch_captured REFERENCING NEW TABLE AS changed
                FOR EACH STATEMENT EXECUTE FUNCTION history_capture('scratch', 'r.id::text', 'NULL', 'to_jsonb(r)', 'true');
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(Ct);
        }

        var captured = await CapturedAsync(connection, transaction);
        await transaction.RollbackAsync(Ct);

        Assert.Contains("scratch_captured", captured.Select(g => g.Key).Except(HistoryRegistry.Tables.Select(t => t.Table)));
    }

    [Fact]
    public async Task Rebuilt_tables_have_their_as_of_functions_and_feed_columns_exist()
    {
        await using var connection = await OpenAsync();

        foreach (var table in HistoryRegistry.Tables)
        {
            if (table.Rebuilt)
            {
                Assert.True(await ScalarAsync<bool>(connection, $"SELECT to_regprocedure('{table.Table}_as_of(bigint)') IS NOT NULL"), table.Table);
            }
            foreach (var column in table.FeedColumns.Select(c => c.Split(" AS ")[0]).Where(c => !c.Contains(' ', StringComparison.Ordinal)))
            {
                Assert.True(await ScalarAsync<bool>(connection,
                    $"SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_name = '{table.Table}' AND column_name = '{column}')"),
                    $"{table.Table}.{column}");
            }
        }
    }

    [Fact]
    public async Task A_keys_secret_hash_never_enters_the_history()
    {
        using var key = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "hashed", role = "reader" }, Ct);
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);

        await using var connection = await OpenAsync();
        var rows = await ScalarAsync<long>(connection, "SELECT count(*) FROM history_entries WHERE entity = 'api-key'");
        var withSecret = await ScalarAsync<long>(connection, "SELECT count(*) FROM history_entries WHERE entity = 'api-key' AND row ? 'secret_hash'");

        Assert.True(rows > 0);
        Assert.Equal(0, withSecret);
    }

    [Fact]
    public async Task The_change_feed_names_a_releases_creator_as_the_releases_api_does_and_a_key_only_as_an_actor()
    {
        using var release = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "named", description = "By whom?" }, Ct);
        var shown = await ReadObjectAsync(release);
        await using var connection = await OpenAsync();
        var keyIds = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT id::text FROM api_keys", connection))
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct)) keyIds.Add(reader.GetString(0));
        }

        var (items, _) = await DrainFeedAsync(Client);

        var record = items.Single(i => (string?)i["entity"] == "release")["release"]!;
        Assert.Equal((string?)shown["createdBy"], (string?)record["createdBy"]);
        Assert.Equal(["createdAt", "createdBy", "description", "name", "position"],
            record.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        // A service's stable actor id is key:{id} (docs/operations/security.md, the actor model); a key's id appears in no
        // other form, and no key's row is in the feed.
        var feed = string.Join('\n', items.Select(i => i.ToJsonString()));
        Assert.All(keyIds, id => Assert.Equal(
            Regex.Count(feed, Regex.Escape(id), RegexOptions.IgnoreCase), Regex.Count(feed, "key:" + Regex.Escape(id), RegexOptions.IgnoreCase)));
        Assert.DoesNotContain(items, i => (string?)i["entity"] is "api-key" or "audit");
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task<ILookup<string, string[]>> CapturedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction = null)
    {
        var rows = new List<(string Table, string[] Arguments)>();
        await using var command = new NpgsqlCommand(CapturedSql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            // tgargs holds each argument followed by a NUL byte (shown as \000 by the escape encoding).
            var arguments = reader.GetString(1).Split(@"\000", StringSplitOptions.None)[..^1];
            rows.Add((reader.GetString(0), arguments));
        }
        return rows.ToLookup(r => r.Table, r => r.Arguments);
    }
}
