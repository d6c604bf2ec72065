using CaseApi.Linkage;
using CaseApi.Tests.Infrastructure;
using CaseApi.Tests.Linkage.Corpus;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Linkage;

/// <summary>The in-memory blocker against PostgreSQL's pg_trgm, on the name forms of the seed-B corpus.</summary>
public sealed class TrigramSimilarityTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task The_in_memory_trigram_similarity_equals_pg_trgm_similarity_and_blocks_the_same_pairs()
    {
        var corpus = LinkageCorpus.Load(LinkageCorpus.MeasurementSeed);
        var caseForms = Forms(corpus.Cases.Select(CaseProfile.From).SelectMany(c => c.Defendants)).Take(300).ToArray();
        var entryForms = Forms(corpus.Lists.Values.SelectMany(l => l).Select(EntryProfile.From).SelectMany(e => e.Names)).Take(300).ToArray();
        var left = caseForms.SelectMany(_ => entryForms).ToArray();
        var right = caseForms.SelectMany(c => entryForms.Select(_ => c)).ToArray();

        var measured = await WithDbAsync(db => db.Database.SqlQuery<Similarity>($"""
            SELECT similarity(a, b)::float8 AS "Value", a % b AS "Blocked" FROM unnest({left}, {right}) AS p(a, b)
            """).ToListAsync(Ct));

        var expected = left.Zip(right, (a, b) => TrigramBlocker.Similarity(a.Split(' '), b.Split(' '))).ToList();
        Assert.Equal(left.Length, measured.Count);
        Assert.True(expected.Count(s => s >= 0.3) > 100, "the sample has too few similar pairs to test blocking");
        Assert.All(expected.Zip(measured), p => Assert.Equal(p.First, p.Second.Value, 6));
        Assert.Equal(expected.Select(s => s >= 0.3), measured.Select(m => m.Blocked));
    }

    private static IEnumerable<string> Forms(IEnumerable<NormalisedName> names) =>
        names.SelectMany(n => n.Forms()).Select(f => string.Join(' ', f)).Distinct(StringComparer.Ordinal);

    private sealed record Similarity(double Value, bool Blocked);
}
