using Npgsql;

namespace CaseApi.Tests.Properties;

/// <summary>A hash of every row of the cases table and the reference tables: equal before and after means nothing was written.</summary>
public static class StoreChecksum
{
    // Entities and their case links too (issue 36): the entity examples create throwaway entities and must remove them again.
    private static readonly string[] Tables =
        ["cases", "sectors", "sponsors", "policy_documents", "policy_document_sectors", "source_lists", "entities", "case_entities"];

    private static readonly string Sql = "SELECT md5(" + string.Join(" || ", Tables.Select(t =>
        $"coalesce((SELECT string_agg(r::text, '|' ORDER BY r::text) FROM {t} r), '')")) + ")";

    public static async Task<string> ComputeAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(Sql, connection);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}
