using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseApi.ReferenceData;

// The five small reference tables share one configuration class: each is seeded from ReferenceSeed, four are code-keyed rows.
internal sealed class ReferenceDataConfiguration :
    IEntityTypeConfiguration<Sector>, IEntityTypeConfiguration<Sponsor>, IEntityTypeConfiguration<PolicyDocument>,
    IEntityTypeConfiguration<PolicyDocumentSector>, IEntityTypeConfiguration<SourceList>
{
    public void Configure(EntityTypeBuilder<Sector> b) => CodeKeyed(b, "sectors", nameLength: 200).HasData(ReferenceSeed.Sectors);

    public void Configure(EntityTypeBuilder<Sponsor> b)
    {
        CodeKeyed(b, "sponsors", nameLength: 200);
        b.Property(x => x.Type).HasMaxLength(40);
        b.HasOne<Sponsor>().WithMany().HasForeignKey(x => x.ParentCode).OnDelete(DeleteBehavior.Restrict);
        b.HasData(ReferenceSeed.Sponsors);
    }

    public void Configure(EntityTypeBuilder<PolicyDocument> b)
    {
        CodeKeyed(b, "policy_documents", nameLength: 300);
        b.HasMany(x => x.Sectors).WithOne().HasForeignKey(x => x.PolicyCode).OnDelete(DeleteBehavior.Cascade);
        // Seeded without their sector rows, which PolicyDocumentSector seeds.
        b.HasData(ReferenceSeed.PolicyDocuments.Select(p =>
            new PolicyDocument { Code = p.Code, Name = p.Name, Description = p.Description, Year = p.Year }));
    }

    public void Configure(EntityTypeBuilder<PolicyDocumentSector> b)
    {
        b.ToTable("policy_document_sectors");
        b.HasKey(x => new { x.PolicyCode, x.SectorCode });
        // aligned_policies() looks rows up by sector.
        b.HasIndex(x => x.SectorCode);
        b.HasOne<Sector>().WithMany().HasForeignKey(x => x.SectorCode).OnDelete(DeleteBehavior.Restrict);
        b.HasData(ReferenceSeed.PolicyDocumentSectors);
    }

    public void Configure(EntityTypeBuilder<SourceList> b)
    {
        CodeKeyed(b, "source_lists", nameLength: 300);
        b.Property(x => x.Publisher).HasMaxLength(200);
        b.HasData(ReferenceSeed.SourceLists);
    }

    /// <summary>The shape every admin-edited reference table shares: keyed by its code, with a name and a description.</summary>
    private static EntityTypeBuilder<T> CodeKeyed<T>(EntityTypeBuilder<T> b, string table, int nameLength) where T : class, IReferenceRow
    {
        b.ToTable(table);
        b.HasKey(nameof(IReferenceRow.Code));
        b.Property(nameof(IReferenceRow.Code)).HasMaxLength(ReferenceValidation.MaxCodeLength);
        b.Property(nameof(IReferenceRow.Name)).HasMaxLength(nameLength);
        b.Property(nameof(IReferenceRow.Description)).HasMaxLength(2000);
        return b;
    }
}
