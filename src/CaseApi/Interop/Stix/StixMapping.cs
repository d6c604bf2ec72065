using System.Globalization;
using System.Text.Json;
using CaseApi.Cases;
using CaseApi.ReferenceData;

namespace CaseApi.Interop.Stix;

/// <summary>
/// How the store reads in STIX 2.1 (docs/guides/stix.md has the table): a case is a <c>report</c>; a sponsor a
/// <c>threat-actor</c>, its parent the target of an <c>attributed-to</c>; a person or organisation a case names an
/// <c>identity</c>, a sector an <c>identity</c> of class <c>class</c>; a case's sponsor <c>targets</c> its victims and
/// sectors. Every object is TLP:WHITE (the cases are public record). Properties STIX has no field for are
/// <c>x_caseapi_*</c>. STIX forbids empty lists and nulls, so a property without a value is left out.
/// </summary>
internal static class StixMapping
{
    /// <summary>The created and modified time of objects made from reference data, which keeps no timestamps.</summary>
    public const string ReferenceDataTime = "2024-01-01T00:00:00.000Z";

    /// <summary>Our sectors in STIX's industry-sector-ov, where the vocabulary has a match.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> IndustrySectors = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["aerospace"] = ["aerospace"],
        ["information-technology"] = ["technology"],
        ["semiconductors"] = ["technology", "manufacturing"],
        ["telecommunications"] = ["telecommunications"],
        ["energy"] = ["energy"],
        ["new-materials"] = ["chemical", "manufacturing"],
        ["maritime"] = ["transportation"],
        ["rail"] = ["transportation"],
        ["automotive"] = ["automotive"],
        ["robotics"] = ["manufacturing"],
        ["biomedical"] = ["pharmaceuticals", "healthcare"],
        ["agriculture"] = ["agriculture"],
        ["space"] = ["aerospace"],
        ["nuclear"] = ["nuclear"],
        ["defense"] = ["defense"],
        ["government"] = ["government-national"],
    };

    /// <summary>A sponsor's type in STIX's threat-actor-type-ov: all are organs of one state, but a private company competes.</summary>
    public static string[] ThreatActorTypes(string sponsorType) => sponsorType switch
    {
        "private-company" => ["competitor"],
        "intelligence-service" => ["nation-state", "spy"],
        _ => ["nation-state"],
    };

    /// <summary>The TLP:WHITE marking definition exactly as STIX 2.1 §7.2.1.4 defines it.</summary>
    public static void WriteTlpWhite(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "marking-definition");
        w.WriteString("spec_version", "2.1");
        w.WriteString("id", StixIds.TlpWhite);
        w.WriteString("created", "2017-01-20T00:00:00.000Z");
        w.WriteString("definition_type", "tlp");
        w.WriteString("name", "TLP:WHITE");
        w.WriteStartObject("definition");
        w.WriteString("tlp", "white");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <remarks>The TAXII collections pass when the row's version was committed as <paramref name="modified"/>: each edit is a version.</remarks>
    public static void WriteSector(Utf8JsonWriter w, Sector sector, string modified = ReferenceDataTime, bool revoked = false)
    {
        Start(w, "identity", StixIds.Sector(sector.Code), ReferenceDataTime, modified, revoked);
        w.WriteString("name", sector.Name);
        Optional(w, "description", sector.Description);
        w.WriteString("identity_class", "class");
        if (IndustrySectors.TryGetValue(sector.Code, out var sectors)) Strings(w, "sectors", sectors);
        w.WriteString("x_caseapi_sector", sector.Code);
        End(w);
    }

    public static void WriteSponsor(Utf8JsonWriter w, Sponsor sponsor, string modified = ReferenceDataTime, bool revoked = false)
    {
        Start(w, "threat-actor", StixIds.ThreatActor(sponsor.Code), ReferenceDataTime, modified, revoked);
        w.WriteString("name", sponsor.Name);
        Optional(w, "description", sponsor.Description);
        Strings(w, "threat_actor_types", ThreatActorTypes(sponsor.Type));
        w.WriteString("x_caseapi_sponsor", sponsor.Code);
        w.WriteString("x_caseapi_sponsor_type", sponsor.Type);
        End(w);
    }

    /// <summary>The sponsor hierarchy: what a unit does is attributed to the organisation it belongs to.</summary>
    public static void WriteSponsorParent(Utf8JsonWriter w, Sponsor sponsor, string modified = ReferenceDataTime, bool revoked = false)
    {
        var (source, target) = (StixIds.ThreatActor(sponsor.Code), StixIds.ThreatActor(sponsor.ParentCode!));
        WriteRelationship(w, StixIds.Relationship(source, "attributed-to", target), "attributed-to", source, target,
            ReferenceDataTime, modified, revoked);
    }

    /// <summary>
    /// A case's report, then the relationships it states (its sponsor targets its victims and its sectors); revoked, all of them
    /// are marked <c>revoked</c> (the TAXII collections publish a deleted case that way, as its last version).
    /// </summary>
    public static void WriteCase(Utf8JsonWriter w, CaseResponse c, IEnumerable<StixLink> links, IReadOnlySet<string> sponsors,
        IReadOnlySet<string> sectors, bool revoked = false)
    {
        var (created, modified) = (Timestamp(c.CreatedAt), Timestamp(c.UpdatedAt > c.CreatedAt ? c.UpdatedAt : c.CreatedAt));
        var actor = c.Sponsor is { } code && sponsors.Contains(code) ? StixIds.ThreatActor(code) : null;
        var byRole = links.GroupBy(l => l.Role, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(l => StixIds.Identity(l.EntityId)).ToList());
        List<string> targets = [.. byRole.GetValueOrDefault("victim") ?? [], .. c.Sectors.Where(sectors.Contains).Select(StixIds.Sector)];
        var relationships = actor is null
            ? []
            : targets.Select(t => (Id: StixIds.Relationship(actor, "targets", t, c.Id), Target: t)).ToList();

        Start(w, "report", StixIds.Report(c.Id), created, modified, revoked);
        w.WriteString("name", c.Title);
        Optional(w, "description", c.Summary);
        Strings(w, "report_types", ["threat-report"]);
        w.WriteString("published", Published(c));
        Strings(w, "labels", c.ActivityTypes.Concat(c.Tradecraft).Distinct(StringComparer.Ordinal));
        List<string> refs = [.. actor is null ? Array.Empty<string>() : [actor], .. byRole.Values.SelectMany(r => r),
            .. c.Sectors.Where(sectors.Contains).Select(StixIds.Sector),
            .. relationships.Select(r => r.Id)];
        // object_refs may not be empty: a case that names nothing refers to its marking, the one object every case has.
        Strings(w, "object_refs", refs.Count > 0 ? refs.Distinct(StringComparer.Ordinal) : [StixIds.TlpWhite]);
        WriteExternalReferences(w, c);
        foreach (var (role, ids) in byRole.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            Strings(w, $"x_caseapi_{role.Replace('-', '_')}_refs", ids);
        }
        Optional(w, "x_caseapi_sponsor_confidence", c.SponsorConfidence);
        w.WriteString("x_caseapi_collector_type", c.CollectorType);
        Optional(w, "x_caseapi_collector_citizenship", c.CollectorCitizenship);
        Optional(w, "x_caseapi_activity_start", c.ActivityStart);
        Optional(w, "x_caseapi_activity_end", c.ActivityEnd);
        Optional(w, "x_caseapi_charged_on", c.ChargedOn);
        Optional(w, "x_caseapi_resolved_on", c.ResolvedOn);
        w.WriteString("x_caseapi_outcome", c.Outcome);
        if (c.SentenceMonths is { } months) w.WriteNumber("x_caseapi_sentence_months", months);
        if (c.FineUsd is { } fine) w.WriteNumber("x_caseapi_fine_usd", fine);
        if (c.LossUsd is { } loss) w.WriteNumber("x_caseapi_loss_usd", loss);
        Optional(w, "x_caseapi_venue", c.Venue);
        Strings(w, "x_caseapi_us_states", c.UsStates);
        Strings(w, "x_caseapi_aligned_policies", c.AlignedPolicies);
        Strings(w, "x_caseapi_listed_in", c.ListedIn);
        Strings(w, "x_caseapi_tags", c.Tags);
        End(w);

        foreach (var (id, target) in relationships) WriteRelationship(w, id, "targets", actor!, target, created, modified, revoked);
    }

    /// <summary>A person or organisation a case names (revoked: deleted, or merged into another).</summary>
    public static void WriteEntity(Utf8JsonWriter w, StixEntity e, bool revoked = false)
    {
        Start(w, "identity", StixIds.Identity(e.Id), Timestamp(e.CreatedAt), Timestamp(e.UpdatedAt > e.CreatedAt ? e.UpdatedAt : e.CreatedAt),
            revoked);
        w.WriteString("name", e.Name);
        Optional(w, "description", e.Description);
        w.WriteString("identity_class", e.Kind == "person" ? "individual" : "organization");
        var identifiers = e.Identifiers is { Length: > 2 } json
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []
            : [];
        if (identifiers.Count > 0 || e.Sources.Length > 0)
        {
            w.WriteStartArray("external_references");
            foreach (var (scheme, value) in identifiers.OrderBy(i => i.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("source_name", scheme);
                w.WriteString("external_id", value);
                w.WriteEndObject();
            }
            foreach (var source in e.Sources)
            {
                if (Uri.TryCreate(source, UriKind.Absolute, out _)) ExternalReference(w, SourceName(source, null), source, null);
                else ExternalReference(w, "source", null, source);
            }
            w.WriteEndArray();
        }
        w.WriteString("x_caseapi_kind", e.Kind);
        Strings(w, "x_caseapi_aliases", e.Aliases);
        Optional(w, "x_caseapi_country", e.Country);
        End(w);
    }

    /// <summary>STIX timestamps: UTC, RFC 3339, to the millisecond (created and modified must be).</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>When the case became public: the charge date (its first day, as precise as it is known), else when it was recorded.</summary>
    public static string Published(CaseResponse c) => c.ChargedOn switch
    {
        { Length: 4 } year => $"{year}-01-01T00:00:00Z",
        { Length: 7 } month => $"{month}-01T00:00:00Z",
        { Length: 10 } day => $"{day}T00:00:00Z",
        _ => Timestamp(c.CreatedAt),
    };

    private static void WriteExternalReferences(Utf8JsonWriter w, CaseResponse c)
    {
        w.WriteStartArray("external_references");
        w.WriteStartObject();
        w.WriteString("source_name", "caseapi");
        w.WriteString("external_id", c.Id.ToString("D"));
        w.WriteEndObject();
        foreach (var s in c.Sources.Where(s => !string.IsNullOrWhiteSpace(s.Url)))
        {
            ExternalReference(w, SourceName(s.Url!, s.Publisher), s.Url!, s.Title);
        }
        w.WriteEndArray();
    }

    private static void ExternalReference(Utf8JsonWriter w, string sourceName, string? url, string? description)
    {
        w.WriteStartObject();
        w.WriteString("source_name", sourceName);
        Optional(w, "url", url);
        Optional(w, "description", description);
        w.WriteEndObject();
    }

    /// <summary>Who published a source: its publisher, else the URL's host.</summary>
    private static string SourceName(string url, string? publisher) =>
        !string.IsNullOrWhiteSpace(publisher) ? publisher
        : Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host
        : "source";

    private static void WriteRelationship(Utf8JsonWriter w, string id, string type, string source, string target, string created, string modified,
        bool revoked = false)
    {
        Start(w, "relationship", id, created, modified, revoked);
        w.WriteString("relationship_type", type);
        w.WriteString("source_ref", source);
        w.WriteString("target_ref", target);
        End(w);
    }

    private static void Start(Utf8JsonWriter w, string type, string id, string created, string modified, bool revoked = false)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("spec_version", "2.1");
        w.WriteString("id", id);
        w.WriteString("created", created);
        w.WriteString("modified", modified);
        if (revoked) w.WriteBoolean("revoked", true);
        w.WriteStartArray("object_marking_refs");
        w.WriteStringValue(StixIds.TlpWhite);
        w.WriteEndArray();
    }

    private static void End(Utf8JsonWriter w) => w.WriteEndObject();

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value)) w.WriteString(name, value);
    }

    /// <summary>A list of strings, left out when empty (STIX lists have at least one item).</summary>
    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        var started = false;
        foreach (var value in values)
        {
            if (!started) w.WriteStartArray(name);
            started = true;
            w.WriteStringValue(value);
        }
        if (started) w.WriteEndArray();
    }
}

/// <summary>A case's link to an entity in a role (<c>case_entities</c>).</summary>
internal sealed record StixLink(Guid CaseId, string Role, Guid EntityId);

/// <summary>The columns of an entity the identity shows; identifiers as their JSON text.</summary>
internal sealed record StixEntity(
    Guid Id, string Kind, string Name, string[] Aliases, string? Country, string? Description, string[] Sources, string? Identifiers,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
