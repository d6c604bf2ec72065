using CaseApi.Cases;
using CaseApi.ReferenceData;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseApi.Linkage;

internal sealed class ListEntityConfiguration :
    IEntityTypeConfiguration<SourceListEntry>, IEntityTypeConfiguration<EntryCandidate>, IEntityTypeConfiguration<ListMapping>,
    IEntityTypeConfiguration<LinkageCaseKey>, IEntityTypeConfiguration<LinkageModelState>
{
    public void Configure(EntityTypeBuilder<SourceListEntry> b)
    {
        b.ToTable("list_entries");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.ListCode).HasMaxLength(ReferenceValidation.MaxCodeLength);
        b.Property(x => x.Reference).HasMaxLength(ListEntryUpload.MaxReferenceLength);
        b.Property(x => x.Raw).HasColumnType("jsonb");
        b.Property(x => x.EntryDatePrecision).HasConversion<string>().HasMaxLength(5);
        // A re-upload finds an entry by the list's own reference.
        b.HasIndex(x => new { x.ListCode, x.Reference }).IsUnique();
        // A list's entries are part of the list: deleting the list (which no case may name) deletes them.
        b.HasOne<SourceList>().WithMany().HasForeignKey(x => x.ListCode).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<EntryCandidate> b)
    {
        b.ToTable("list_entry_candidates");
        b.HasKey(x => new { x.EntryId, x.CaseId });
        b.Ignore(x => x.Vector);
        b.Property(x => x.Decision).HasMaxLength(16);
        b.Property(x => x.MatchMethod).HasMaxLength(16);
        b.Property(x => x.DecidedBy).HasMaxLength(200);
        b.HasIndex(x => x.CaseId);
        b.HasOne<SourceListEntry>().WithMany().HasForeignKey(x => x.EntryId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Case>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ListMapping> b)
    {
        b.ToTable("list_mappings");
        b.HasKey(x => x.ListCode);
        b.Property(x => x.ListCode).HasMaxLength(ReferenceValidation.MaxCodeLength);
        foreach (var column in new[] { nameof(ListMapping.Reference), nameof(ListMapping.Names), nameof(ListMapping.Date),
                     nameof(ListMapping.Headline), nameof(ListMapping.Places) })
        {
            b.Property(column).HasMaxLength(200);
        }
        b.Property(x => x.NameOrder).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.UpdatedBy).HasMaxLength(200);
        b.HasOne<SourceList>().WithMany().HasForeignKey(x => x.ListCode).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<LinkageCaseKey> b)
    {
        b.ToTable("linkage_case_keys");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).UseIdentityAlwaysColumn();
        b.Property(x => x.Kind).HasColumnType("char(1)");
        b.HasIndex(x => x.CaseId);
        b.HasOne<Case>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Cascade);
        // The pg_trgm GIN index over name forms and the reference index are partial: created by the migration's SQL.
    }

    public void Configure(EntityTypeBuilder<LinkageModelState> b)
    {
        b.ToTable("linkage_model");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Model).HasColumnType("jsonb");
    }
}
