using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseApi.ReferenceData;

// The five small reference tables share one configuration class: each is a code-keyed row seeded from ReferenceSeed.
internal sealed class ReferenceDataConfiguration :
    IEntityTypeConfiguration<Sector>, IEntityTypeConfiguration<Sponsor>, IEntityTypeConfiguration<PolicyDocument>,
    IEntityTypeConfiguration<PolicyDocumentSector>, IEntityTypeConfiguration<SourceList>
{
    public void Configure(EntityTypeBuilder<Sector> b)
    {
        b.ToTable("sectors");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(60);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Description).HasMaxLength(2000);
        b.HasData(ReferenceSeed.Sectors);
    }

    public void Configure(EntityTypeBuilder<Sponsor> b)
    {
        b.ToTable("sponsors");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(60);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Description).HasMaxLength(2000);
        b.Property(x => x.Type).HasMaxLength(40);
        b.HasOne<Sponsor>().WithMany().HasForeignKey(x => x.ParentCode).OnDelete(DeleteBehavior.Restrict);
        b.HasData(ReferenceSeed.Sponsors);
    }

    public void Configure(EntityTypeBuilder<PolicyDocument> b)
    {
        b.ToTable("policy_documents");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(60);
        b.Property(x => x.Name).HasMaxLength(300);
        b.Property(x => x.Description).HasMaxLength(2000);
        b.HasMany(x => x.Sectors).WithOne().HasForeignKey(x => x.PolicyCode).OnDelete(DeleteBehavior.Cascade);
        b.HasData(ReferenceSeed.PolicyDocuments.Select(p => new PolicyDocument { Code = p.Code, Name = p.Name, Description = p.Description, Year = p.Year }));
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
        b.ToTable("source_lists");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(60);
        b.Property(x => x.Name).HasMaxLength(300);
        b.Property(x => x.Description).HasMaxLength(2000);
        b.Property(x => x.Publisher).HasMaxLength(200);
        b.HasData(ReferenceSeed.SourceLists);
    }
}
