using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using CsCheck;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Imports;

/// <summary>
/// Real exports of the bundled sample, mutated byte by byte, posted back as imports. Whatever the bytes, the answer
/// is a 2xx or a 4xx problem (or the 422 report of a rejected file), never a 5xx, and a 4xx leaves the cases and
/// the reference tables exactly as they were. CsCheck draws the mutations; it prints the seed of any failure, and
/// <c>CsCheck_Seed=&lt;seed&gt;</c> replays it. CI runs CsCheck's default count; <c>CsCheck_Iter=5000</c> runs longer.
/// </summary>
public sealed class ImportFuzzTests(CaseApiFactory api) : ImportTest(api)
{
    private static readonly Dictionary<string, string> MediaTypes = new() { ["csv"] = CsvType, ["json"] = JsonType, ["ndjson"] = NdjsonType };

    [Fact]
    public async Task Mutated_exports_get_a_2xx_or_a_4xx_problem_and_a_4xx_writes_nothing()
    {
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);
        var exports = new Dictionary<string, byte[]>();
        foreach (var format in MediaTypes.Keys)
        {
            exports[format] = await Client.GetByteArrayAsync($"/api/v1/cases/export?format={format}", Ct);
        }
        var requests =
            from format in Gen.OneOf(MediaTypes.Keys.ToArray())
            from mutations in Mutation.Any.Array[1, 4]
            from dryRun in Gen.Bool
            from atomic in Gen.Bool
            select new FuzzRequest(format, mutations, dryRun, atomic);
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"CsCheck seed: {Check.Seed ?? "(random; a failure prints its seed)"}, iterations: {Check.Iter}");

        await requests.SampleAsync(async request =>
        {
            var body = request.Mutations.Aggregate(exports[request.Format], (bytes, m) => m.Apply(bytes));
            var before = await ChecksumAsync();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new(MediaTypes[request.Format]);
            using var response = await Client.PostAsync($"/api/v1/imports?dryRun={request.DryRun}&atomic={request.Atomic}", content, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            var status = (int)response.StatusCode;

            Assert.True(status < 500, $"{status} for {request}: {text}");
            if (status >= 400)
            {
                var reply = JsonNode.Parse(text)!.AsObject();
                var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" && reply["type"] is not null;
                var rejected = response.StatusCode == HttpStatusCode.UnprocessableEntity && (string?)reply["status"] == "rejected";
                Assert.True(problem || rejected, $"{status} without a problem document for {request}: {text}");
            }
            if (status >= 400 || request.DryRun) Assert.Equal(before, await ChecksumAsync());
        }, threads: 1, print: r => r.ToString(), writeLine: output is null ? null : (Action<string>)output.WriteLine);
    }

    /// <summary>One hash over every row of the cases and the reference tables.</summary>
    private Task<string> ChecksumAsync() => WithDbAsync(db => db.Database.SqlQueryRaw<string>("""
        SELECT md5(coalesce(string_agg(r, '|' ORDER BY r), '')) AS "Value" FROM (
            SELECT t::text AS r FROM cases t UNION ALL SELECT t::text FROM sectors t UNION ALL SELECT t::text FROM sponsors t
            UNION ALL SELECT t::text FROM policy_documents t UNION ALL SELECT t::text FROM policy_document_sectors t
            UNION ALL SELECT t::text FROM source_lists t) rows
        """).SingleAsync(Ct));

    private sealed record FuzzRequest(string Format, Mutation[] Mutations, bool DryRun, bool Atomic)
    {
        public override string ToString() => $"{Format} dryRun={DryRun} atomic={Atomic}: {string.Join(", ", Mutations.Select(m => m.Name))}";
    }

    /// <summary>A named change to a file's bytes; positions are fractions of the length, so they fit any file.</summary>
    private sealed record Mutation(string Name, Func<byte[], byte[]> Apply)
    {
        private static readonly byte[][] Fragments =
        [
            "\""u8.ToArray(), "\"\""u8.ToArray(), [0xEF, 0xBB, 0xBF], [0], "\r"u8.ToArray(), "\n"u8.ToArray(), "\r\n"u8.ToArray(),
            ";"u8.ToArray(), ","u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "null"u8.ToArray(),
            "\"slug\":\"dup-key\","u8.ToArray(), "\"sentenceMonths\":\"12\","u8.ToArray(), "\"id\":42,"u8.ToArray(), "=HYPERLINK(\"x\")"u8.ToArray(),
            [0xC3], [0xFF, 0xFE], "\u00e9"u8.ToArray(),
        ];

        private static readonly Gen<Mutation> Insert =
            from at in Gen.Double[0, 1]
            from fragment in Gen.OneOf(Gen.OneOf(Fragments), Gen.Byte.Array[1, 16])
            select new Mutation($"insert {Show(fragment)} at {at:P1}", b => [.. b[..Index(b, at)], .. fragment, .. b[Index(b, at)..]]);

        private static readonly Gen<Mutation> Overwrite =
            from at in Gen.Double[0, 1]
            from value in Gen.Byte
            select new Mutation($"set byte at {at:P1} to 0x{value:X2}", b => b.Length == 0 ? b : [.. b[..Index(b, at, 1)], value, .. b[(Index(b, at, 1) + 1)..]]);

        private static readonly Gen<Mutation> Truncate =
            from at in Gen.Double[0, 1]
            select new Mutation($"truncate at {at:P1}", b => b[..Index(b, at)]);

        private static readonly Gen<Mutation> Cut =
            from at in Gen.Double[0, 1]
            from length in Gen.Int[1, 200]
            select new Mutation($"cut {length} bytes at {at:P1}", b => [.. b[..Index(b, at)], .. b[Math.Min(b.Length, Index(b, at) + length)..]]);

        private static readonly Gen<Mutation> HugeCell =
            from at in Gen.Double[0, 1]
            from length in Gen.OneOf(5_000, 100_000)
            select new Mutation($"{length} x at {at:P1}", b => [.. b[..Index(b, at)], .. Enumerable.Repeat((byte)'x', length), .. b[Index(b, at)..]]);

        private static readonly Gen<Mutation> DeepNesting =
            from at in Gen.Double[0, 1]
            from depth in Gen.OneOf(40, 2_000)
            select new Mutation($"{depth} '[' at {at:P1}", b => [.. b[..Index(b, at)], .. Enumerable.Repeat((byte)'[', depth), .. b[Index(b, at)..]]);

        private static readonly Gen<Mutation> HeaderQuote =
            from at in Gen.Double[0, 1]
            select new Mutation($"quote in the first line at {at:P1}", b =>
            {
                var end = Math.Max(0, Array.IndexOf(b, (byte)'\n'));
                var i = (int)(at * end);
                return [.. b[..i], (byte)'"', .. b[i..]];
            });

        private static readonly Gen<Mutation> Encoding =
            Gen.OneOf(
                new Mutation("as UTF-16 with BOM", b => [.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes(Utf8(b))]),
                new Mutation("as UTF-16 without BOM", b => System.Text.Encoding.Unicode.GetBytes(Utf8(b))),
                new Mutation("as UTF-16BE with BOM", b => [0xFE, 0xFF, .. System.Text.Encoding.BigEndianUnicode.GetBytes(Utf8(b))]),
                new Mutation("as Latin-1", b => System.Text.Encoding.Latin1.GetBytes(Utf8(b))),
                new Mutation("LF to CR", b => Replace(b, "\n", "\r")),
                new Mutation("LF to CRLF", b => Replace(b, "\n", "\r\n")),
                new Mutation("first line twice", b => [.. b[..(Array.IndexOf(b, (byte)'\n') + 1)], .. b]),
                new Mutation("comma to semicolon", b => Replace(b, ",", ";")));

        public static readonly Gen<Mutation> Any = Gen.OneOf(Insert, Overwrite, Truncate, Cut, HugeCell, DeepNesting, HeaderQuote, Encoding);

        private static int Index(byte[] b, double at, int reserve = 0) => Math.Clamp((int)(at * b.Length), 0, Math.Max(0, b.Length - reserve));

        private static string Utf8(byte[] b) => System.Text.Encoding.UTF8.GetString(b);

        private static byte[] Replace(byte[] b, string from, string to) => System.Text.Encoding.UTF8.GetBytes(Utf8(b).Replace(from, to, StringComparison.Ordinal));

        private static string Show(byte[] fragment) => fragment.Length > 0 && fragment.All(c => c is >= 0x20 and < 0x7F)
            ? $"'{System.Text.Encoding.ASCII.GetString(fragment)}'" : Convert.ToHexString(fragment);
    }
}
