using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Linkage.Corpus;

/// <summary>The committed corpus is the generator's output for its seed, and the generator is independent of the matcher.</summary>
public sealed class CorpusTests
{
    // Set to 1 to rewrite the committed files from the generator (after changing it on purpose), then run again without.
    private const string RewriteVariable = "CASEAPI_REWRITE_LINKAGE_CORPUS";

    [Theory]
    [InlineData(LinkageCorpus.TuningSeed)]
    [InlineData(LinkageCorpus.MeasurementSeed)]
    public void The_committed_corpus_is_what_the_generator_writes_for_its_seed(int seed)
    {
        var generated = CorpusGenerator.Generate(seed);
        if (Environment.GetEnvironmentVariable(RewriteVariable) == "1")
        {
            Directory.CreateDirectory(RepositoryFiles.PathOf(LinkageCorpus.Folder(seed)));
            foreach (var (name, content) in generated) File.WriteAllText(RepositoryFiles.PathOf($"{LinkageCorpus.Folder(seed)}/{name}"), content);
        }

        foreach (var name in CorpusGenerator.Files)
        {
            Assert.True(generated[name] == RepositoryFiles.Read($"{LinkageCorpus.Folder(seed)}/{name}"),
                $"{LinkageCorpus.Folder(seed)}/{name} differs from the generator's output for seed {seed}.");
        }
    }

    [Fact]
    public void The_generator_never_calls_the_matcher()
    {
        var source = RepositoryFiles.Read("tests/CaseApi.Tests/Linkage/Corpus/CorpusGenerator.cs");

        Assert.DoesNotContain("CaseApi.Linkage", source, StringComparison.Ordinal);
        Assert.DoesNotContain("using CaseApi", source, StringComparison.Ordinal);
    }
}
