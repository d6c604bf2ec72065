using CaseApi.Linkage;

namespace CaseApi.Entities;

/// <summary>
/// How a written name finds its entity: by the list matcher's normalisation (<see cref="NameNormaliser"/>), never a
/// second one. A name's key is its folded tokens in ordinal order (<see cref="NormalisedName.SortedKey"/>), so case,
/// accents, punctuation and word order ("Mallory, Kevin" and "Kevin Mallory") do not matter; a person's name drops
/// honorifics and suffixes, an organisation's a leading "the" and its legal form ("Huawei Device Co., Ltd."). A written
/// name of unknown kind is read both ways.
/// </summary>
public static class EntityNames
{
    /// <summary>The keys an entity is found by: its name and every alias, read as its kind is written.</summary>
    public static string[] MatchKeys(string kind, string name, IEnumerable<string> aliases) =>
        [.. aliases.Prepend(name)
            .SelectMany(n => Keys(n, kind == "person" ? NameKind.Person : NameKind.Organisation)).Distinct(StringComparer.Ordinal)];

    /// <summary>The keys a name written in a case may have: as a person's and as an organisation's.</summary>
    public static string[] LookupKeys(string name) =>
        [.. Keys(name, NameKind.Person).Concat(Keys(name, NameKind.Organisation)).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The kind of an entity a case's name creates: a company when its legal form says so, else the role's default
    /// (<see cref="EntityCodes.NamedRoles"/>: a defendant a person, an employer a company, a sponsoring unit an intelligence unit).
    /// </summary>
    public static string KindFor(string name, string role) =>
        NameNormaliser.ParseOrganisation(name) is { } organisation && organisation.Tokens.Count < TextFolding.Words(name).Count
            && TextFolding.Words(name)[0] != "the"
            ? "company"
            : EntityCodes.NamedRoles.FirstOrDefault(r => r.Role == role)?.DefaultKind ?? "other";

    /// <summary>The slug GET /entities/export would hide.</summary>
    public const string ReservedSlug = "export";

    /// <summary>A slug for a name: its folded words joined by hyphens (at most 100 characters), or "entity".</summary>
    public static string SlugFor(string name)
    {
        var slug = string.Join('-', TextFolding.Words(name));
        if (slug.Length > 100) slug = slug[..100].TrimEnd('-');
        // /entities/export is the export route, so no entity may be called that.
        return slug.Length == 0 ? "entity" : slug == ReservedSlug ? "export-entity" : slug;
    }

    private static IEnumerable<string> Keys(string name, NameKind kind)
    {
        var parsed = kind == NameKind.Person ? NameNormaliser.ParsePerson(name) : NameNormaliser.ParseOrganisation(name);
        if (parsed is null) yield break;
        foreach (var form in parsed.Forms())
        {
            if (form.Count > 0) yield return string.Join(' ', form.Order(StringComparer.Ordinal));
        }
    }
}
