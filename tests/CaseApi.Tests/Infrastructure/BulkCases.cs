using Npgsql;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Many similar cases in one statement, for tests that need an export too large to buffer.</summary>
public static class BulkCases
{
    /// <summary>
    /// Inserts <paramref name="rows"/> cases (slugs bulk-case-1 …) as the superuser, with no command timeout: a loaded test
    /// machine can take longer than any service timeout to index tens of thousands of rows.
    /// </summary>
    public static async Task InsertAsync(string superuserConnectionString, int rows, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync(ct);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO cases (id, slug, title, summary, activity_types, tradecraft, collector_type, defendants, sectors,
                victim_types, victims, us_states, outcome, sources, tags, listed_in, created_at, updated_at, charged_on, charged_on_precision)
            SELECT gen_random_uuid(), 'bulk-case-' || i, 'Bulk case ' || i, repeat('A long summary of a bulk case. ', 10),
                ARRAY['economic-espionage'], ARRAY['insider'], 'student', ARRAY['Someone Else'], ARRAY['aerospace', 'energy'],
                ARRAY['company'], ARRAY['Boeing'], ARRAY['CA'], 'convicted', '[]', ARRAY[]::text[], ARRAY[]::text[], now(), now(),
                make_date(2000 + i % 20, 1, 1), 'Year'
            FROM generate_series(1, @rows) AS i
            """, connection) { CommandTimeout = 0 };
        insert.Parameters.AddWithValue("rows", rows);
        await insert.ExecuteNonQueryAsync(ct);
    }
}
