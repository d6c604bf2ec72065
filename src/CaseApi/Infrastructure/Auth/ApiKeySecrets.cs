using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// API key secrets: 32 random bytes, base64url, behind a short recognisable prefix (so a leaked key is easy to
/// spot in a scanner). Only the SHA-256 hash is stored: a key has 256 bits of entropy, so a fast hash is enough
/// and no per-key salt is needed, which lets authentication find a key by its hash through a unique index.
/// </summary>
public static class ApiKeySecrets
{
    public const string Prefix = "cak_";

    /// <summary>How many leading characters of a secret are stored and shown, so people can tell their keys apart.</summary>
    public const int ShownLength = 12;

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static string ShownPart(string secret) => secret.Length <= ShownLength ? secret[..Math.Min(4, secret.Length)] : secret[..ShownLength];
}
