using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Interop.Stix;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Interop.Taxii;

/// <summary>
/// A collection's objects are the history read as STIX: each history entry of a case, a named entity, a sponsor or a sector is
/// one version of the objects the STIX export maps that row to (<see cref="StixMapping"/>; a case's report and the relationships
/// it states), in commit order. So the order in which the collection added its object versions is the history's, and a page
/// ends at a history position: the change feed's guarantee (a statement sees a prefix of the positions) carries over, and a
/// poller that follows <c>next</c> never misses or repeats a version, however the store changes between its pages.
/// </summary>
/// <remarks>
/// <c>date_added</c> is the commit time of the entry's commit, which the history's seal takes under the history clock's lock
/// in position order (asOf=&lt;time&gt; relies on the same): it increases strictly from commit to commit, and only versions of one
/// commit, which become visible together, share it. A page therefore ends at a commit boundary whenever it can (it splits a
/// commit only when that commit alone holds more than <c>limit</c> versions), so a poller that pages with
/// <c>added_after</c> = the last <c>X-TAXII-Date-Added-Last</c> instead of <c>next</c> is exact too.
/// Several entries of one key in one commit are one version (the last). A delete is published as the object's last version,
/// <c>revoked</c> (STIX 2.1 §3.6), and so is a named entity merged into another.
/// Cost: a case version's links are found among all link entries of the history (their key starts with the case id, which
/// no index of the history serves), and an object named by id is found by hashing every key of its kind; both are linear in
/// the history, which is fine at the sample's size and not yet measured at 100,000 cases.
/// </remarks>
internal static class TaxiiLog
{
    private const int Batch = 200;

    /// <summary>The history entities each STIX type comes from.</summary>
    private static readonly Dictionary<string, string[]> Sources = new(StringComparer.Ordinal)
    {
        ["report"] = ["case"],
        ["relationship"] = ["case", "sponsor"],
        ["identity"] = ["entity", "sector"],
        ["threat-actor"] = ["sponsor"],
    };

    /// <summary>The STIX types a collection holds.</summary>
    public static IReadOnlyCollection<string> Types => Sources.Keys;

    /// <summary>The versions after the filter's position that pass it, at most its limit, ending at a commit boundary where it can.</summary>
    public static async Task<TaxiiPage> PageAsync(CaseDbContext db, TaxiiCollection collection, TaxiiFilter filter, CancellationToken ct)
    {
        string[] entities =
            [.. (filter.Types ?? (IEnumerable<string>)Sources.Keys).Where(Sources.ContainsKey).SelectMany(t => Sources[t]).Distinct()];
        if (entities.Length == 0) return new TaxiiPage([], false);
        var keys = filter.Ids is { } ids ? await KeysOfAsync(db, ids, ct) : null;
        var upTo = collection.UpTo ?? long.MaxValue;
        var after = filter.After;
        if (filter.AddedAfter is { } time)
        {
            var first = await db.Database.Query<long>(SqlFragment.Of($"""
                SELECT coalesce((SELECT position FROM history_commits WHERE committed_at > {time.ToUniversalTime()} AND position IS NOT NULL
                                 ORDER BY committed_at, position LIMIT 1), {long.MaxValue}) AS "Value"
                """)).SingleAsync(ct);
            if (first == long.MaxValue) return new TaxiiPage([], false);
            if (first > after.Position) after = new TaxiiPosition(first, 0, -1);
        }
        var view = collection.UpTo is { } at ? StoreView.AsOf(at) : StoreView.Current;
        var mapper = new Mapper(
            (await view.Rows(db.Sponsors, "sponsors").Select(s => s.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal),
            (await view.Rows(db.Sectors, "sectors").Select(s => s.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal));

        var taken = new List<TaxiiObject>();
        TaxiiObject? overflow = null;
        // Re-read the entry the cursor is inside: its objects after the cursor's are still to come.
        var (position, entry) = (after.Position, Math.Max(after.Entry - 1, 0));
        while (overflow is null)
        {
            var rows = await db.Database.Query<EntryRow>(EntriesSql(position, entry, upTo, entities, keys)).ToListAsync(ct);
            foreach (var version in await mapper.MapAsync(db, rows.Where(r => r.Final).ToList(), ct))
            {
                if (version.Object.At.CompareTo(after) <= 0 || !Passes(version, filter)) continue;
                if (taken.Count == filter.Limit)
                {
                    overflow = version.Object;
                    break;
                }
                taken.Add(version.Object);
            }
            if (rows.Count < Batch) break;
            (position, entry) = (rows[^1].Position, rows[^1].Entry);
        }
        if (overflow is not null && taken.Any(t => t.At.Position != overflow.At.Position))
        {
            // Versions of one commit share their date_added: keep them together so that added_after never splits one.
            taken.RemoveAll(t => t.At.Position == overflow.At.Position);
        }
        return new TaxiiPage(taken, overflow is not null);
    }

    /// <summary>The TAXII timestamp of a commit time: RFC 3339 in UTC to the microsecond, PostgreSQL's precision.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static bool Passes(Version version, TaxiiFilter filter)
    {
        var o = version.Object;
        if (filter.Types is { } types && !types.Contains(o.Type)) return false;
        if (filter.Ids is { } ids && !ids.Contains(o.Id)) return false;
        var v = filter.Versions;
        return v.All || (v.First && version.First) || (v.Last && version.Last)
            || (v.Modified.Count > 0 && v.Modified.Contains(DateTimeOffset.Parse(o.Modified, CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// The history keys of the objects named, when every one can be named from its id (reports, identities, threat actors);
    /// null when one cannot (a relationship's id hashes both its ends), and then the whole log is read and filtered.
    /// </summary>
    private static async Task<(string Entity, string Key)[]?> KeysOfAsync(CaseDbContext db, IReadOnlySet<string> ids, CancellationToken ct)
    {
        var types = ids.Select(i => i.Split("--")[0]).ToHashSet(StringComparer.Ordinal);
        if (types.Contains("relationship")) return null;
        var found = new List<(string, string)>();
        foreach (var entity in types.Where(Sources.ContainsKey).SelectMany(t => Sources[t]).Distinct())
        {
            var candidates = await db.Database.Query<string>(
                SqlFragment.Of($"""SELECT DISTINCT key AS "Value" FROM history_entries WHERE entity = {entity}""")).ToListAsync(ct);
            found.AddRange(candidates.Where(key => StixIdOf(entity, key) is { } id && ids.Contains(id)).Select(key => (entity, key)));
        }
        return [.. found];
    }

    private static string? StixIdOf(string entity, string key) => entity switch
    {
        "case" when Guid.TryParse(key, out var id) => StixIds.Report(id),
        "entity" when Guid.TryParse(key, out var id) => StixIds.Identity(id),
        "sector" => StixIds.Sector(key),
        "sponsor" => StixIds.ThreatActor(key),
        _ => null,
    };

    // first: the key's first commit; last: no later version up to the collection's end; final: the last entry of its key in its
    // commit (a commit that wrote a row twice made one version). Commits walk in position order from the cursor's
    // (history_feed_entries), or, for named objects, their keys' entries through (entity, key).
    private static SqlFragment EntriesSql(long position, long entry, long upTo, string[] entities, (string Entity, string Key)[]? keys)
    {
        var page = keys is null
            ? SqlFragment.Of($"SELECT commit_position, entry_id FROM history_feed_entries({position}, {entry}, {Batch}, {entities})")
            : SqlFragment.Of($"""
                SELECT k.position AS commit_position, e.id AS entry_id
                FROM unnest({keys.Select(k => k.Entity).ToArray()}, {keys.Select(k => k.Key).ToArray()}) w(entity, key)
                JOIN history_entries e ON e.entity = w.entity AND e.key = w.key
                JOIN history_commits k ON k.xid = e.xid
                WHERE (k.position, e.id) > ({position}, {entry})
                ORDER BY k.position, e.id LIMIT {Batch}
                """);
        return SqlFragment.Of($"""
            WITH page AS MATERIALIZED ({page})
            SELECT p.commit_position AS position, e.id AS entry, e.entity, e.key, e.action, k.committed_at,
                   NOT EXISTS (SELECT FROM history_entries f JOIN history_commits fk ON fk.xid = f.xid
                               WHERE f.entity = e.entity AND f.key = e.key AND fk.position < p.commit_position) AS first,
                   NOT EXISTS (SELECT FROM history_entries l JOIN history_commits lk ON lk.xid = l.xid
                               WHERE l.entity = e.entity AND l.key = e.key AND (lk.position, l.id) > (p.commit_position, e.id)
                                 AND lk.position <= {upTo}) AS last,
                   NOT EXISTS (SELECT FROM history_entries s WHERE s.xid = e.xid AND s.entity = e.entity AND s.key = e.key AND s.id > e.id)
                       AS final
            FROM page p JOIN history_entries e ON e.id = p.entry_id JOIN history_commits k ON k.position = p.commit_position
            WHERE p.commit_position <= {upTo}
            ORDER BY p.commit_position, e.id
            """);
    }

    private sealed record EntryRow(
        long Position, long Entry, string Entity, string Key, string Action, DateTimeOffset CommittedAt, bool First, bool Last, bool Final);

    private sealed record Version(TaxiiObject Object, bool First, bool Last);

    private sealed record AlignedRow(string[] Aligned);

    private sealed record LinkRow(long Entry, Guid CaseId, string Role, Guid EntityId);

    /// <summary>Reads the rows of a batch of entries (one statement per kind) and writes each with the export's mapping.</summary>
    private sealed class Mapper(IReadOnlySet<string> sponsors, IReadOnlySet<string> sectors)
    {
        public async Task<List<Version>> MapAsync(CaseDbContext db, List<EntryRow> rows, CancellationToken ct)
        {
            var cases = await RowsAsync(rows, "case", e => db.Cases.Query(RowsSql(e, "cases", SqlFragment.Raw(
                ", ((e.xid::text::numeric % 4294967296)::text)::xid AS xmin"))).AsNoTracking().ToListAsync(ct));
            var aligned = await RowsAsync(rows, "case", e => db.Database.Query<AlignedRow>(SqlFragment.Of($"""
                SELECT aligned_policies_as_of(r.sectors, k.position) AS aligned
                FROM {SourceSql(e)} JOIN history_commits k ON k.xid = e.xid
                CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, s.row) r ORDER BY u.n
                """)).ToListAsync(ct));
            long[] caseEntries = [.. rows.Where(r => r.Entity == "case").Select(r => r.Entry)];
            var links = (caseEntries.Length == 0 ? [] : await db.Database.Query<LinkRow>(LinksSql(caseEntries)).ToListAsync(ct))
                .ToLookup(l => l.Entry);
            var entities = await RowsAsync(rows, "entity", e => db.Database.Query<StixEntity>(RowsSql(e, "entities", SqlFragment.Raw(""), """
                r.id, r.kind, r.name, r.aliases, r.country, r.description, r.sources, r.identifiers::text AS identifiers, r.created_at, r.updated_at
                """)).ToListAsync(ct));
            // A merged entity stands for its survivor from then on: its identity is revoked, like a deleted one's.
            var merged = await RowsAsync(rows, "entity", e => db.Database.Query<bool>(SqlFragment.Of($"""
                SELECT r.merged_into IS NOT NULL AS "Value" FROM {SourceSql(e)}
                CROSS JOIN LATERAL jsonb_populate_record(NULL::entities, s.row) r ORDER BY u.n
                """)).ToListAsync(ct));
            var sponsorRows = await RowsAsync(
                rows, "sponsor", e => db.Sponsors.Query(RowsSql(e, "sponsors", SqlFragment.Raw(""))).AsNoTracking().ToListAsync(ct));
            var sectorRows = await RowsAsync(
                rows, "sector", e => db.Sectors.Query(RowsSql(e, "sectors", SqlFragment.Raw(""))).AsNoTracking().ToListAsync(ct));

            var versions = new List<Version>();
            var buffer = new ArrayBufferWriter<byte>();
            foreach (var row in rows)
            {
                buffer.ResetWrittenCount();
                await using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartArray();
                    var modified = StixMapping.Timestamp(row.CommittedAt);
                    // A delete is the object's last version: the row it deleted, revoked, modified when the delete committed.
                    var revoked = row.Action == "delete";
                    switch (row.Entity)
                    {
                        case "case":
                            var shown = CaseReads.Shown(cases[row.Entry], aligned[row.Entry].Aligned);
                            if (revoked) shown = shown with { UpdatedAt = After(row.CommittedAt, shown.UpdatedAt) };
                            StixMapping.WriteCase(w, shown, links[row.Entry].Select(l => new StixLink(l.CaseId, l.Role, l.EntityId)),
                                sponsors, sectors, revoked);
                            break;
                        case "entity":
                            var entity = entities[row.Entry];
                            if (revoked) entity = entity with { UpdatedAt = After(row.CommittedAt, entity.UpdatedAt) };
                            StixMapping.WriteEntity(w, entity, revoked || merged[row.Entry]);
                            break;
                        case "sponsor":
                            var sponsor = sponsorRows[row.Entry];
                            StixMapping.WriteSponsor(w, sponsor, modified, revoked);
                            if (sponsor.ParentCode is not null) StixMapping.WriteSponsorParent(w, sponsor, modified, revoked);
                            break;
                        case "sector":
                            StixMapping.WriteSector(w, sectorRows[row.Entry], modified, revoked);
                            break;
                    }
                    w.WriteEndArray();
                }
                using var written = JsonDocument.Parse(buffer.WrittenMemory);
                var index = 0;
                foreach (var o in written.RootElement.EnumerateArray())
                {
                    var stix = new TaxiiObject(o.GetProperty("id").GetString()!, o.GetProperty("type").GetString()!,
                        o.GetProperty("modified").GetString()!, row.CommittedAt, o.GetRawText(), new TaxiiPosition(row.Position, row.Entry, index++));
                    versions.Add(new Version(stix, row.First, row.Last));
                }
            }
            return versions;
        }

        /// <summary>The rows of one kind's entries, by entry id; a statement only when the batch has some.</summary>
        private static async Task<Dictionary<long, T>> RowsAsync<T>(List<EntryRow> rows, string entity, Func<long[], Task<List<T>>> read)
        {
            long[] entries = [.. rows.Where(r => r.Entity == entity).Select(r => r.Entry)];
            if (entries.Length == 0) return [];
            var found = await read(entries);
            return entries.Zip(found).ToDictionary(p => p.First, p => p.Second);
        }

        /// <summary>A revoked version's modified: when its delete committed, and never at or before the version it revokes.</summary>
        private static DateTimeOffset After(DateTimeOffset committed, DateTimeOffset previous) =>
            committed > previous.AddMilliseconds(1) ? committed : previous.AddMilliseconds(1);

        private static SqlFragment RowsSql(long[] entries, string table, SqlFragment extra, string columns = "r.*") => SqlFragment.Of($"""
            SELECT {SqlFragment.Raw(columns)}{extra}
            FROM {SourceSql(entries)} CROSS JOIN LATERAL jsonb_populate_record(NULL::{SqlFragment.Raw(table)}, s.row) r
            ORDER BY u.n
            """);

        // The entries in the order given (u.n), each with the row it shows (s.row): its own, or for a delete, which keeps none,
        // the row it deleted (the key's previous entry that kept one).
        private static SqlFragment SourceSql(long[] entries) => SqlFragment.Of($"""
            unnest({entries}) WITH ORDINALITY u(id, n) JOIN history_entries e ON e.id = u.id
            CROSS JOIN LATERAL (SELECT coalesce(e.row, (SELECT p.row FROM history_entries p
                                                       WHERE p.entity = e.entity AND p.key = e.key AND p.id < e.id AND p.row IS NOT NULL
                                                       ORDER BY p.id DESC LIMIT 1)) AS row) s
            """);

        // A case's links as of its version: each link key's last entry up to that commit, unless that entry deleted it; a deleted
        // case's, as they were before the commit that deleted it (and its links with it).
        private static SqlFragment LinksSql(long[] entries) => SqlFragment.Of($"""
            SELECT u.id AS entry, c.key::uuid AS case_id, split_part(x.key, '/', 2) AS role, split_part(x.key, '/', 3)::uuid AS entity_id
            FROM unnest({entries}) u(id) JOIN history_entries c ON c.id = u.id JOIN history_commits ck ON ck.xid = c.xid
            CROSS JOIN LATERAL (
                SELECT DISTINCT ON (l.key) l.key, l.action FROM history_entries l JOIN history_commits lk ON lk.xid = l.xid
                WHERE l.entity = 'case-entity' AND split_part(l.key, '/', 1) = c.key
                  AND (lk.position < ck.position OR (lk.position = ck.position AND c.action <> 'delete'))
                ORDER BY l.key, lk.position DESC, l.id DESC) x
            WHERE x.action <> 'delete'
            ORDER BY split_part(x.key, '/', 2), split_part(x.key, '/', 3)
            """);
    }
}
