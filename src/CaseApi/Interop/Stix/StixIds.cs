using System.Security.Cryptography;
using System.Text;

namespace CaseApi.Interop.Stix;

/// <summary>
/// The deterministic STIX identifiers of the export: <c>type--UUIDv5(Namespace, name)</c> (RFC 9562 §5.5), where the name is
/// a stable key of the store, never a slug (slugs can be renamed). So a re-export names the same objects again and a
/// consumer updates them instead of adding copies.
/// </summary>
internal static class StixIds
{
    /// <summary>
    /// The one namespace of every CaseApi STIX id: UUIDv5 of the URL namespace and <c>https://caseapi.local/stix</c>.
    /// Documented in docs/guides/stix.md; changing it renames every object a consumer holds.
    /// </summary>
    public static readonly Guid Namespace = new("557dfc31-fa47-5897-9266-98bc04615b84");

    /// <summary>The STIX 2.1 TLP:WHITE marking definition, whose id the specification fixes (§7.2.1.4).</summary>
    public const string TlpWhite = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";

    public static string Report(Guid caseId) => Of("report", $"case:{caseId:D}");

    public static string Identity(Guid entityId) => Of("identity", $"entity:{entityId:D}");

    public static string Sector(string code) => Of("identity", $"sector:{code}");

    public static string ThreatActor(string sponsorCode) => Of("threat-actor", $"sponsor:{sponsorCode}");

    /// <summary>A relationship is named by its source, type and target, and the case that states it (none for the sponsor hierarchy).</summary>
    public static string Relationship(string sourceRef, string type, string targetRef, Guid? caseId = null) =>
        Of("relationship", caseId is { } id ? $"case:{id:D}:{sourceRef}:{type}:{targetRef}" : $"{sourceRef}:{type}:{targetRef}");

    public static string Of(string type, string name) => $"{type}--{UuidV5(Namespace, name):D}";

    /// <summary>RFC 9562 name-based UUID, version 5 (SHA-1), over the namespace's bytes in network order and the name's UTF-8.</summary>
    public static Guid UuidV5(Guid ns, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(name.Length)];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        var length = 16 + Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // SHA-1 is what UUIDv5 is defined by; it names, it does not protect.
        SHA1.HashData(input[..length], hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
