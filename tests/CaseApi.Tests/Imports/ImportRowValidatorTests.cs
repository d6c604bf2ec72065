using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Imports;
using FluentValidation;

namespace CaseApi.Tests.Imports;

/// <summary>A record is judged by the rules of the fields it names and of the record as a whole, never by the others.</summary>
public sealed class ImportRowValidatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A case validator that records which of its rules ran; every field rule fails, so each one that runs is reported.</summary>
    private sealed class Probe : AbstractValidator<CaseRequest>
    {
        public List<string> Ran { get; } = [];

        public Probe()
        {
            RuleFor(c => c.Slug).Must(_ => Record("slug", true));
            RuleFor(c => c.Title).Must(_ => Record("title", false)).WithMessage("bad title");
            RuleFor(c => c.Sponsor).Must(_ => Record("sponsor", false));
            RuleFor(c => c.Sectors).Must(_ => Record("sectors", false));
            RuleForEach(c => c.Sources).ChildRules(source => source.RuleFor(s => s!.Url).Must(_ => Record("sources[].url", true)));
            RuleFor(c => c).Custom((_, _) => Record("row", true));
        }

        private bool Record(string rule, bool valid)
        {
            Ran.Add(rule);
            return valid;
        }
    }

    /// <summary>A record as a CSV file with this header would give it, so the fields it names come from the header as in an import.</summary>
    private static ImportRow Row(IReadOnlyList<string> header, IReadOnlyList<string?> cells)
    {
        var (parsed, problem) = ImportHeader.Parse(header);
        Assert.Null(problem);
        return parsed!.Map(1, cells, JsonSerializerOptions.Web);
    }

    [Fact]
    public async Task Only_the_rules_of_the_fields_a_record_names_and_of_the_whole_record_run()
    {
        var row = Row(["slug", "title", "sources"], ["a-case", "A title", "https://example.org/a"]);
        var probe = new Probe();

        var errors = (await new ImportRowValidator(probe).ValidateAsync(row, row.Request!, Ct)).ToList();

        Assert.Equal(["slug", "title", "sources[].url", "row"], probe.Ran);
        Assert.Equal([new ImportError(1, "a-case", "title", "bad title")], errors);
    }

    [Fact]
    public async Task A_record_that_names_every_field_runs_every_rule()
    {
        var row = Row(CaseCsv.Columns, [.. CaseCsv.Columns.Select(c => c == "slug" ? "a-case" : null)]);
        var probe = new Probe();

        var errors = await new ImportRowValidator(probe).ValidateAsync(row, row.Request!, Ct);

        Assert.Equal(["slug", "title", "sponsor", "sectors", "row"], probe.Ran);
        Assert.Equal(["title", "sponsor", "sectors"], errors.Select(e => e.Field));
    }
}
