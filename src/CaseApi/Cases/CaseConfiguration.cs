using System.Text.Json;
using CaseApi.ReferenceData;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NpgsqlTypes;

namespace CaseApi.Cases;

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    /// <summary>
    /// Sources and list evidence are stored as the same camelCase JSON the API speaks, so SQL (imports, exports,
    /// coverage) can read them too.
    /// </summary>
    internal static readonly JsonSerializerOptions SourceJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public void Configure(EntityTypeBuilder<Case> c)
    {
        // Evidence explains a membership: the validator says so per request, this constraint for every write (imports
        // that change listedIn alone included). case_evidence_lists() is created by the ListEvidence migration.
        c.ToTable("cases", t => t.HasCheckConstraint("ck_cases_list_evidence_listed", "case_evidence_lists(list_evidence) <@ listed_in"));
        c.HasKey(x => x.Id);
        c.Property(x => x.Id).ValueGeneratedNever();
        c.Property(x => x.Slug).HasMaxLength(120);
        c.HasIndex(x => x.Slug).IsUnique();
        c.Property(x => x.Title).HasMaxLength(200);
        c.Property(x => x.Summary).HasMaxLength(4000);
        c.Property(x => x.SponsorConfidence).HasMaxLength(16);
        c.Property(x => x.CollectorType).HasMaxLength(40);
        c.Property(x => x.CollectorCitizenship).HasMaxLength(2);
        c.Property(x => x.Venue).HasMaxLength(100);
        c.Property(x => x.Outcome).HasMaxLength(40);
        // Every partial date's precision is stored by name (Year, Month, Day), so a new partial date needs no line here.
        foreach (var precision in c.Metadata.GetProperties().Where(p => p.ClrType == typeof(DatePrecision?)).ToList())
        {
            c.Property(precision.Name).HasConversion<string>().HasMaxLength(5);
        }
        c.Property(x => x.Version).IsRowVersion();
        // Added after the history began (migration CaseEntityRoles): a case's entries from before lack them, so a read of the
        // past finds NULL there; writes always store a list, and CaseResponse shows NULL as [].
        c.Property(x => x.CollectorEmployers).IsRequired(false);
        c.Property(x => x.SponsoringUnits).IsRequired(false);

        JsonList(c.Property(x => x.Sources));
        JsonList(c.Property(x => x.ListEvidence));

        // Deleting a sponsor that cases still name must fail (409), so no cascade.
        c.HasOne<Sponsor>().WithMany().HasForeignKey(x => x.SponsorCode).OnDelete(DeleteBehavior.Restrict);

        // Full-text search over title, summary, defendants and victims (the q filter); the generated column keeps
        // the vector in step with every write, including bulk COPY, and the GIN index makes @@ cheap.
        c.Property<NpgsqlTsVector>("SearchVector")
            .HasComputedColumnSql("cases_search_vector(title, summary, defendants, victims)", stored: true);
        c.HasIndex("SearchVector").HasMethod("gin");

        // Array filters (sector=, tradecraft=, …) use the array-overlap operator &&, which GIN indexes serve.
        string[] arrays =
        [
            nameof(Case.Sectors), nameof(Case.ActivityTypes), nameof(Case.Tradecraft), nameof(Case.UsStates), nameof(Case.Tags),
            nameof(Case.ListedIn),
        ];
        foreach (var array in arrays)
        {
            c.HasIndex(array).HasMethod("gin");
        }
        c.HasIndex(x => x.SponsorCode);
        c.HasIndex(x => x.CollectorType);
        c.HasIndex(x => x.Outcome);

        // Keyset paging orders by (sort key, id); these composite indexes serve each sort and its cursor predicate.
        c.HasIndex(x => new { x.ChargedOn, x.Id });
        c.HasIndex(x => new { x.ResolvedOn, x.Id });
        c.HasIndex(x => new { x.ActivityStart, x.Id });
        c.HasIndex(x => new { x.CreatedAt, x.Id });
        c.HasIndex(x => new { x.UpdatedAt, x.Id });
        c.HasIndex(x => new { x.Title, x.Id });
    }

    private static void JsonList<T>(PropertyBuilder<List<T>> property) => property.HasColumnType("jsonb").HasConversion(
        v => JsonSerializer.Serialize(v, SourceJson),
        v => JsonSerializer.Deserialize<List<T>>(v, SourceJson) ?? new List<T>(),
        new ValueComparer<List<T>>(
            (a, b) => a!.SequenceEqual(b!),
            v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s)),
            v => v.ToList()));
}
