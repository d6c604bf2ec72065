using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NpgsqlTypes;
using static CaseApi.Store.SqlFragment;

namespace CaseApi.Linkage;

/// <summary>
/// The matcher over the store, in the caller's transaction, set-based: the blocker's index of cases is brought up to
/// date, an upload's entries are upserted by reference (binary COPY into staging, one merge), blocked against the
/// cases with pg_trgm (the <c>%</c> operator over a GIN index, the rule <see cref="TrigramBlocker"/> runs in memory)
/// and by reference, compared pair by pair in memory (<see cref="PairComparer"/>), and stored as candidates with
/// their comparison vectors. m and u are then fitted by EM over the vectors of every stored candidate (grouped by
/// pattern, so dozens of rows), unless configured, and every stored score is recomputed from its pattern: one model
/// for all lists, as phase 1 validated it. Decisions (accepted, rejected) survive re-uploads and refits.
/// </summary>
internal sealed class ListMatching(CaseDbContext db, IOptions<LinkageOptions> options)
{
    private const int CaseBatch = 5000;

    public LinkageOptions Options => options.Value;

    /// <summary>Serialises matching runs (they rewrite the blocker's index and the model) and sets pg_trgm's threshold.</summary>
    public async Task BeginAsync(CancellationToken ct)
    {
        await db.Database.ExecuteAsync(Raw("SELECT pg_advisory_xact_lock(hashtext('caseapi-linkage'))"), ct);
        await db.Database.ExecuteAsync(Raw("SET LOCAL pg_trgm.similarity_threshold = 0.3"), ct);
    }

    /// <summary>Re-indexes the cases written since they were last indexed (their row version moved), a batch at a time.</summary>
    public async Task SyncCaseKeysAsync(CancellationToken ct)
    {
        while (true)
        {
            var stale = await db.Database.Query<StaleCase>(Raw($"""
                SELECT c.id AS id, c.xmin::text::bigint AS version, c.defendants AS defendants, {ReferencesSql} AS references
                FROM cases c
                WHERE NOT EXISTS (SELECT FROM linkage_case_keys k WHERE k.case_id = c.id AND k.kind = 'v' AND k.case_version = c.xmin::text::bigint)
                LIMIT {CaseBatch}
                """)).ToListAsync(ct);
            if (stale.Count == 0) return;
            Guid[] ids = [.. stale.Select(s => s.Id)];
            await db.Database.ExecuteAsync(Of($"DELETE FROM linkage_case_keys WHERE case_id = ANY({ids})"), ct);
            await using (var copy = await db.Database.BeginBinaryCopyAsync(
                Raw("COPY linkage_case_keys (case_id, case_version, kind, value) FROM STDIN (FORMAT BINARY)"), ct))
            {
                foreach (var c in stale)
                {
                    var names = c.Defendants.Select(NameNormaliser.ParsePerson).OfType<NormalisedName>()
                        .SelectMany(n => n.Forms()).Select(f => string.Join(' ', f));
                    var references = c.References.Select(PairComparer.ReferenceKey).OfType<string>();
                    var keys = names.Select(n => ('n', n)).Concat(references.Select(r => ('r', r))).Distinct().Append(('v', ""));
                    foreach (var (kind, value) in keys)
                    {
                        await copy.StartRowAsync(ct);
                        await copy.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
                        await copy.WriteAsync(c.Version, NpgsqlDbType.Bigint, ct);
                        await copy.WriteAsync(kind.ToString(), NpgsqlDbType.Char, ct);
                        await copy.WriteAsync(value, NpgsqlDbType.Text, ct);
                    }
                }
                await copy.CompleteAsync(ct);
            }
            if (stale.Count < CaseBatch) return;
        }
    }

    /// <summary>
    /// Upserts the entries by (list, reference): a new reference creates an entry, a changed row updates it, the same row
    /// leaves it. Returns the counts and every uploaded entry's id.
    /// </summary>
    public async Task<(int Created, int Updated, Dictionary<string, Guid> Ids)> UpsertEntriesAsync(
        string list, IReadOnlyList<UploadedEntry> entries, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteAsync(Raw("""
            CREATE TEMP TABLE entry_staging (
                id uuid, reference text, row_number int, raw jsonb, names text, entry_date date, entry_date_precision text,
                headline text, places text, name_keys text[]) ON COMMIT DROP
            """), ct);
        await using (var copy = await db.Database.BeginBinaryCopyAsync(Raw("""
            COPY entry_staging (id, reference, row_number, raw, names, entry_date, entry_date_precision, headline, places, name_keys)
            FROM STDIN (FORMAT BINARY)
            """), ct))
        {
            foreach (var e in entries)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(e.Entry.Reference, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(e.Row, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(e.Raw, NpgsqlDbType.Jsonb, ct);
                await WriteAsync(copy, e.Entry.Names, ct);
                if (e.Entry.Date is { } d)
                {
                    await copy.WriteAsync(d.Value, NpgsqlDbType.Date, ct);
                    await copy.WriteAsync(d.Precision.ToString(), NpgsqlDbType.Text, ct);
                }
                else
                {
                    await copy.WriteNullAsync(ct);
                    await copy.WriteNullAsync(ct);
                }
                await WriteAsync(copy, e.Entry.Headline, ct);
                await WriteAsync(copy, e.Entry.Places, ct);
                await copy.WriteAsync(e.NameKeys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            }
            await copy.CompleteAsync(ct);
        }
        // xmax = 0 marks a row this statement inserted; an updated row's previous version had it set by this update. Read
        // whole (ToList), never composed on: PostgreSQL refuses a data-modifying WITH inside the subquery EF would wrap it in.
        var counts = await db.Database.Query<UpsertCounts>(Of($"""
            WITH written AS (
                INSERT INTO list_entries AS e (id, list_code, reference, row_number, raw, names, entry_date, entry_date_precision, headline,
                    places, name_keys, uploaded_at, updated_at)
                SELECT s.id, {list}, s.reference, s.row_number, s.raw, s.names, s.entry_date, s.entry_date_precision, s.headline, s.places,
                    s.name_keys, {now}, {now}
                FROM entry_staging s
                ON CONFLICT (list_code, reference) DO UPDATE SET
                    row_number = excluded.row_number, raw = excluded.raw, names = excluded.names, entry_date = excluded.entry_date,
                    entry_date_precision = excluded.entry_date_precision, headline = excluded.headline, places = excluded.places,
                    name_keys = excluded.name_keys, uploaded_at = excluded.uploaded_at, updated_at = excluded.updated_at
                WHERE e.raw IS DISTINCT FROM excluded.raw
                RETURNING (xmax = 0) AS created)
            SELECT count(*) FILTER (WHERE created)::int AS created, count(*) FILTER (WHERE NOT created)::int AS updated FROM written
            """)).ToListAsync(ct);
        var ids = await db.Database.Query<EntryId>(Of($"""
            SELECT e.reference AS reference, e.id AS id FROM entry_staging s JOIN list_entries e ON e.list_code = {list} AND e.reference = s.reference
            """)).ToDictionaryAsync(r => r.Reference, r => r.Id, StringComparer.Ordinal, ct);
        return (counts[0].Created, counts[0].Updated, ids);
    }

    /// <summary>
    /// Blocks and compares the entries, replacing their undecided candidates (decided ones keep their decision and get
    /// the new comparison). Blocking: a case whose defendant's name form is trigram-similar (pg_trgm <c>%</c>, 0.3) to
    /// one of the entry's, or that cites the entry's reference.
    /// </summary>
    public async Task MatchAsync(IReadOnlyList<(Guid Id, ListEntry Entry)> entries, CancellationToken ct)
    {
        await db.Database.ExecuteAsync(Raw("CREATE TEMP TABLE entry_keys (entry_id uuid, kind char(1), value text) ON COMMIT DROP"), ct);
        var profiles = new Dictionary<Guid, EntryProfile>();
        await using (var copy = await db.Database.BeginBinaryCopyAsync(Raw("COPY entry_keys (entry_id, kind, value) FROM STDIN (FORMAT BINARY)"), ct))
        {
            foreach (var (id, entry) in entries)
            {
                var profile = EntryProfile.From(entry);
                profiles[id] = profile;
                var names = profile.Names.SelectMany(n => n.Forms()).Select(f => ('n', string.Join(' ', f)));
                var keys = profile.Reference is { } r ? names.Append(('r', r)) : names;
                foreach (var (kind, value) in keys.Distinct())
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(kind.ToString(), NpgsqlDbType.Char, ct);
                    await copy.WriteAsync(value, NpgsqlDbType.Text, ct);
                }
            }
            await copy.CompleteAsync(ct);
        }
        await db.Database.ExecuteAsync(Raw("ANALYZE entry_keys"), ct);
        var pairs = await db.Database.Query<Pair>(Raw(CandidatePairsSql)).ToListAsync(ct);
        var cases = await LoadCasesAsync(pairs.Select(p => p.CaseId).Distinct().ToList(), ct);
        var comparer = new PairComparer(Options);

        Guid[] entryIds = [.. profiles.Keys];
        await db.Database.ExecuteAsync(Of($"DELETE FROM list_entry_candidates WHERE entry_id = ANY({entryIds}) AND decision IS NULL"), ct);
        await db.Database.ExecuteAsync(Raw("""
            CREATE TEMP TABLE candidate_staging (entry_id uuid, case_id uuid, name_level smallint, date_level smallint, title_level smallint,
                place_level smallint, reference_level smallint) ON COMMIT DROP
            """), ct);
        await using (var copy = await db.Database.BeginBinaryCopyAsync(Raw("""
            COPY candidate_staging (entry_id, case_id, name_level, date_level, title_level, place_level, reference_level) FROM STDIN (FORMAT BINARY)
            """), ct))
        {
            foreach (var pair in pairs)
            {
                var v = comparer.Compare(profiles[pair.EntryId], cases[pair.CaseId]);
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(pair.EntryId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(pair.CaseId, NpgsqlDbType.Uuid, ct);
                foreach (var level in new[] { v.Name, v.Date, v.Title, v.Place, v.Reference })
                {
                    await copy.WriteAsync((short)level, NpgsqlDbType.Smallint, ct);
                }
            }
            await copy.CompleteAsync(ct);
        }
        await db.Database.ExecuteAsync(Raw("""
            INSERT INTO list_entry_candidates AS c (entry_id, case_id, name_level, date_level, title_level, place_level, reference_level, score)
            SELECT entry_id, case_id, name_level, date_level, title_level, place_level, reference_level, 0 FROM candidate_staging
            ON CONFLICT (entry_id, case_id) DO UPDATE SET name_level = excluded.name_level, date_level = excluded.date_level,
                title_level = excluded.title_level, place_level = excluded.place_level, reference_level = excluded.reference_level
            """), ct);
    }

    /// <summary>The comparison of one entry with one case, for a reviewer's link to a case the blocker did not find.</summary>
    public async Task<ComparisonVector> CompareAsync(ListEntry entry, Guid caseId, CancellationToken ct) =>
        new PairComparer(Options).Compare(EntryProfile.From(entry), (await LoadCasesAsync([caseId], ct))[caseId]);

    /// <summary>
    /// Fits the model over every stored candidate's vector (EM, or the configured m and u), stores it, and rescores
    /// every candidate from its pattern.
    /// </summary>
    public async Task<FellegiSunterModel> RefitAsync(DateTimeOffset now, CancellationToken ct)
    {
        var patterns = await db.Database.Query<Pattern>(Raw("""
            SELECT name_level AS name, date_level AS date, title_level AS title, place_level AS place, reference_level AS reference,
                count(*)::int AS pairs
            FROM list_entry_candidates GROUP BY 1, 2, 3, 4, 5
            """)).ToListAsync(ct);
        var vectors = patterns.Select(p => (Vector: new ComparisonVector(p.Name, p.Date, p.Title, p.Place, p.Reference), p.Pairs)).ToList();
        var model = FellegiSunterModel.Configured(Options)
            ?? (vectors.Count == 0 ? FellegiSunterModel.Initial
                : ExpectationMaximisation.Fit(vectors.SelectMany(v => Enumerable.Repeat(v.Vector, v.Pairs)), Options).Model);
        short[] Levels(Func<ComparisonVector, int> level) => [.. vectors.Select(v => (short)level(v.Vector))];
        double[] scores = [.. vectors.Select(v => model.Score(v.Vector).Weight)];
        await db.Database.ExecuteAsync(Of($"""
            UPDATE list_entry_candidates c SET score = w.score
            FROM unnest({Levels(v => v.Name)}, {Levels(v => v.Date)}, {Levels(v => v.Title)}, {Levels(v => v.Place)},
                {Levels(v => v.Reference)}, {scores}) AS w(n, d, t, p, r, score)
            WHERE (c.name_level, c.date_level, c.title_level, c.place_level, c.reference_level) = (w.n, w.d, w.t, w.p, w.r)
                AND c.score IS DISTINCT FROM w.score
            """), ct);
        var json = JsonSerializer.Serialize(model, JsonSerializerOptions.Web);
        var pairs = vectors.Sum(v => v.Pairs);
        await db.Database.ExecuteAsync(Of($"""
            INSERT INTO linkage_model (id, model, pairs, fitted_at) VALUES (1, {json}::jsonb, {pairs}, {now})
            ON CONFLICT (id) DO UPDATE SET model = excluded.model, pairs = excluded.pairs, fitted_at = excluded.fitted_at
            """), ct);
        return model;
    }

    /// <summary>The stored model (the initial guess before any upload).</summary>
    public static async Task<FellegiSunterModel> ModelAsync(CaseDbContext db, CancellationToken ct) =>
        await db.LinkageModels.AsNoTracking().Where(m => m.Id == 1).Select(m => m.Model).FirstOrDefaultAsync(ct) is { } json
            ? JsonSerializer.Deserialize<FellegiSunterModel>(json, JsonSerializerOptions.Web)!
            : FellegiSunterModel.Initial;

    /// <summary>The matcher's view of the given cases, a batch at a time.</summary>
    private async Task<Dictionary<Guid, CaseProfile>> LoadCasesAsync(List<Guid> ids, CancellationToken ct)
    {
        var profiles = new Dictionary<Guid, CaseProfile>(ids.Count);
        foreach (var batch in ids.Chunk(CaseBatch))
        {
            var rows = await db.Database.Query<CaseRow>(Of($"""
                SELECT c.id AS id, c.slug AS slug, c.title AS title, c.defendants AS defendants,
                    c.charged_on AS charged_on, c.charged_on_precision AS charged_on_precision,
                    c.resolved_on AS resolved_on, c.resolved_on_precision AS resolved_on_precision,
                    c.activity_start AS activity_start, c.activity_start_precision AS activity_start_precision,
                    c.activity_end AS activity_end, c.activity_end_precision AS activity_end_precision,
                    c.us_states AS us_states, c.venue AS venue, {Raw(ReferencesSql)} AS references
                FROM cases c WHERE c.id = ANY({batch})
                """)).ToListAsync(ct);
            foreach (var r in rows) profiles[r.Id] = CaseProfile.From(r.ToCandidate());
        }
        return profiles;
    }

    private static async Task WriteAsync(Npgsql.NpgsqlBinaryImporter copy, string? text, CancellationToken ct)
    {
        if (text is null) await copy.WriteNullAsync(ct);
        else await copy.WriteAsync(text, NpgsqlDbType.Text, ct);
    }

    /// <summary>A case's references: its sources' URLs and its list evidence's references.</summary>
    private const string ReferencesSql = """
        ARRAY(SELECT s ->> 'url' FROM jsonb_array_elements(c.sources) s WHERE s ->> 'url' IS NOT NULL)
            || ARRAY(SELECT e ->> 'reference' FROM jsonb_array_elements(c.list_evidence) e WHERE e ->> 'reference' IS NOT NULL)
        """;

    /// <summary>
    /// The blocking rule in SQL: <c>%</c> is pg_trgm's similarity operator (similarity ≥ pg_trgm.similarity_threshold),
    /// answered from the GIN index ix_linkage_case_keys_names; references are compared for equality.
    /// </summary>
    internal const string CandidatePairsSql = """
        SELECT k.entry_id AS entry_id, c.case_id AS case_id
        FROM entry_keys k JOIN linkage_case_keys c ON c.kind = 'n' AND c.value % k.value
        WHERE k.kind = 'n'
        UNION
        SELECT k.entry_id, c.case_id
        FROM entry_keys k JOIN linkage_case_keys c ON c.kind = 'r' AND c.value = k.value
        WHERE k.kind = 'r'
        """;

    private sealed record StaleCase(Guid Id, long Version, string[] Defendants, string[] References);

    private sealed record UpsertCounts(int Created, int Updated);

    private sealed record EntryId(string Reference, Guid Id);

    private sealed record Pair(Guid EntryId, Guid CaseId);

    private sealed record Pattern(short Name, short Date, short Title, short Place, short Reference, int Pairs);

    private sealed record CaseRow(
        Guid Id, string Slug, string Title, string[] Defendants, DateOnly? ChargedOn, string? ChargedOnPrecision, DateOnly? ResolvedOn,
        string? ResolvedOnPrecision, DateOnly? ActivityStart, string? ActivityStartPrecision, DateOnly? ActivityEnd, string? ActivityEndPrecision,
        string[] UsStates, string? Venue, string[] References)
    {
        public CandidateCase ToCandidate() => new(Slug, Title, Defendants, Date(ChargedOn, ChargedOnPrecision), Date(ResolvedOn, ResolvedOnPrecision),
            Date(ActivityStart, ActivityStartPrecision), Date(ActivityEnd, ActivityEndPrecision), UsStates, Venue, References);

        private static PartialDate? Date(DateOnly? value, string? precision) =>
            value is { } v ? new PartialDate(v, Enum.Parse<DatePrecision>(precision ?? nameof(DatePrecision.Day))) : null;
    }
}
