using System.Text.Json;
using CaseApi.Cases;
using CaseApi.ReferenceData;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseApi.Entities;

internal sealed class EntityConfiguration : IEntityTypeConfiguration<Entity>, IEntityTypeConfiguration<CaseEntityLink>
{
    public void Configure(EntityTypeBuilder<Entity> e)
    {
        e.ToTable("entities");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Slug).HasMaxLength(120);
        e.HasIndex(x => x.Slug).IsUnique();
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Country).HasMaxLength(2);
        e.Property(x => x.Description).HasMaxLength(4000);
        e.Property(x => x.Version).IsRowVersion();
        // Identifiers are a small map of scheme → id ({"wikidata": "Q42"}), stored as the JSON the API speaks.
        e.Property(x => x.Identifiers).HasColumnType("jsonb").HasConversion(
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
            v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, (JsonSerializerOptions?)null) ?? new Dictionary<string, string>(),
            new ValueComparer<Dictionary<string, string>>(
                (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                v => v.Aggregate(0, (h, p) => HashCode.Combine(h, p.Key, p.Value)),
                v => new Dictionary<string, string>(v)));
        // A written name finds its entity by array overlap on the normalised keys (GIN); a name search reads names and aliases.
        // Without the pending list (fastupdate off): an import resolves its names in lookups of 500 keys right after the previous
        // import added tens of thousands of entities, and every lookup compared its keys with every pending entry (3.7 s a lookup
        // with 200,000 entities pending, 3 ms without). Inserting an entity costs a little more instead.
        e.HasIndex(x => x.MatchKeys).HasMethod("gin").HasStorageParameter("fastupdate", false);
        e.HasIndex(x => new { x.Name, x.Id });
        e.HasOne<Entity>().WithMany().HasForeignKey(x => x.MergedInto).OnDelete(DeleteBehavior.Restrict);
        // A sponsor that an entity belongs to cannot be deleted (409), as one that a case names.
        e.HasOne<Sponsor>().WithMany().HasForeignKey(x => x.SponsorCode).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<CaseEntityLink> l)
    {
        l.ToTable("case_entities");
        l.HasKey(x => new { x.CaseId, x.Role, x.EntityId });
        l.Property(x => x.Role).HasMaxLength(32);
        // An entity's cases and its co-occurrences start from the entity.
        l.HasIndex(x => new { x.EntityId, x.Role });
        l.HasOne<Case>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Cascade);
        // An entity that cases still name cannot be deleted (409): merge it instead.
        l.HasOne<Entity>().WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Restrict);
    }
}
