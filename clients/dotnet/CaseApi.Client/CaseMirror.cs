using System.Globalization;
using System.Text;
using System.Text.Json;
using CaseApi.Client.Api.V1.Cases.Export;
using CaseApi.Client.Models;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;

namespace CaseApi.Client;

/// <summary>
/// A copy of the store's cases kept in sync from the change feed: load the JSON export and keep its Feed-Position, then
/// follow <c>GET /changes?after=</c> from there (a long poll with <c>wait=</c>), applying each case item. Hand-written
/// because it joins two operations through a response header (the export's Feed-Position is the feed's after=) and
/// loops over a third. Case items carry the case as <c>GET /cases/{id}</c> shows it, derived alignment included, and a
/// policy-mapping edit arrives as <c>realign</c> items, so the mirror needs none of the service's rules.
/// </summary>
public sealed class CaseMirror(CaseApiClient client)
{
    /// <summary>The export's columns that are members of a case: the rest (sponsorType, the entity ids) are the export's own.</summary>
    private static readonly CaseExportField[] CaseMembers =
        [.. Enum.GetValues<CaseExportField>()
            .Except([
                CaseExportField.SponsorType, CaseExportField.DefendantEntityIds, CaseExportField.VictimEntityIds,
                CaseExportField.CollectorEmployerEntityIds, CaseExportField.SponsoringUnitEntityIds,
            ])];

    private readonly Dictionary<Guid, CaseResponse> cases = [];
    private readonly Dictionary<Guid, string> etags = [];
    private string? feedETag;

    /// <summary>The mirrored cases by id.</summary>
    public IReadOnlyDictionary<Guid, CaseResponse> Cases => cases;

    /// <summary>Where the mirror is in the feed: the export's Feed-Position, then each page's nextCursor. Keep it with the copy.</summary>
    public string? Cursor { get; private set; }

    /// <summary>The feed position of the last item applied (0 before any).</summary>
    public long Position { get; private set; }

    /// <summary>Feed items read per request.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>The ETag of a mirrored case as its last item carried it: the If-Match of a write while no later item names it.</summary>
    public string? ETagOf(Guid id) => etags.GetValueOrDefault(id);

    /// <summary>Loads every case from the JSON export and starts the feed at the export's Feed-Position. Returns the count.</summary>
    public async Task<int> LoadAsync(CancellationToken cancellationToken = default)
    {
        var headers = new ResponseHeaders();
        var exported = await client.Api.V1.Cases.Export.GetAsync(c =>
        {
            c.QueryParameters.FormatAsGetFormatQueryParameterType = GetFormatQueryParameterType.Json;
            c.QueryParameters.FieldsAsCaseExportField = CaseMembers;
            c.Options.Add(headers.Option);
        }, cancellationToken) ?? [];
        var position = headers["Feed-Position"] ?? throw new InvalidOperationException("The export named no Feed-Position.");
        cases.Clear();
        etags.Clear();
        // An exported case has the members of GET /cases/{id}; it is read as one, so the copy holds one type.
        foreach (var exportedCase in exported)
        {
            var shown = As<CaseResponse>(exportedCase, CaseResponse.CreateFromDiscriminatorValue);
            cases[shown.Id!.Value] = shown;
        }
        Cursor = position;
        Position = long.Parse(position, CultureInfo.InvariantCulture);
        feedETag = null;
        return cases.Count;
    }

    /// <summary>
    /// Applies every case change after <see cref="Cursor"/>. When there is none yet, the first request waits up to
    /// <paramref name="waitSeconds"/> for one (a long poll that holds no database connection on the server); an unchanged
    /// answer is a 304 (If-None-Match), which costs no body. Returns the number of items applied.
    /// </summary>
    public async Task<int> FollowAsync(int waitSeconds = 0, CancellationToken cancellationToken = default)
    {
        if (Cursor is null) throw new InvalidOperationException("Load the export first (LoadAsync), or set a cursor you kept.");
        var applied = 0;
        while (true)
        {
            var headers = new ResponseHeaders();
            var wait = applied == 0 ? waitSeconds : 0;
            var page = await client.Api.V1.Changes.GetAsync(c =>
            {
                c.QueryParameters.After = Cursor;
                c.QueryParameters.Limit = PageSize;
                c.QueryParameters.EntityType = "case";
                c.QueryParameters.Wait = wait;
                if (feedETag is not null) c.Headers.Add("If-None-Match", feedETag);
                c.Options.Add(headers.Option);
            }, cancellationToken);
            if (page is null) return applied;   // 304: nothing after the cursor
            feedETag = headers["ETag"];
            var items = page.Items ?? [];
            foreach (var item in items) Apply(item);
            Cursor = page.NextCursor;
            applied += items.Count;
            if (items.Count == 0) return applied;
        }
    }

    /// <summary>Applies one feed item: create, update and realign replace the case; delete removes it.</summary>
    public void Apply(ChangeResponse item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Position = Math.Max(Position, item.Position ?? 0);
        if (item.Entity != "case") return;
        var id = Guid.Parse(item.Id!, CultureInfo.InvariantCulture);
        if (item.Action == "delete")
        {
            cases.Remove(id);
            etags.Remove(id);
            return;
        }
        cases[id] = item.Case ?? throw new InvalidOperationException($"The {item.Action} item at {item.Position} carries no case.");
        if (item.ETag is not null) etags[id] = item.ETag;
    }

    /// <summary>The mirror in the documented normalisation (see <see cref="Normalise"/>).</summary>
    public string Normalised() => Normalise(cases.Values);

    /// <summary>
    /// The normalisation under which a mirror equals <c>GET /cases</c> byte for byte: each case written by the client's
    /// own JSON writer (members in the contract's alphabetical order, members without a value left out, numbers as the
    /// contract's types), one case a line, lines ordered by id. Listed cases (<see cref="CaseFields"/>) and shown cases
    /// (<see cref="CaseResponse"/>) have the same members, so both normalise alike.
    /// </summary>
    public static string Normalise<T>(IEnumerable<T> cases) where T : IParsable
    {
        ArgumentNullException.ThrowIfNull(cases);
        var lines = cases.Select(c => (Id: IdOf(c), Json: Write(c))).OrderBy(l => l.Id).Select(l => l.Json);
        return string.Join('\n', lines);
    }

    private static Guid IdOf(IParsable shown) => shown switch
    {
        CaseResponse c => c.Id!.Value,
        CaseFields c => c.Id!.Value,
        _ => throw new ArgumentException($"{shown.GetType().Name} is not a case."),
    };

    private static string Write(IParsable value)
    {
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, value);
        using var content = writer.GetSerializedContent();
        using var reader = new StreamReader(content, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static T As<T>(IParsable value, ParsableFactory<T> factory) where T : IParsable
    {
        // A clone outlives the document: members the contract does not declare stay in AdditionalData as parsed JSON.
        using var json = JsonDocument.Parse(Write(value));
        return new JsonParseNode(json.RootElement.Clone()).GetObjectValue(factory)!;
    }
}
