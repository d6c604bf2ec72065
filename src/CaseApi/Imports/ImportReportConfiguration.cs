using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseApi.Imports;

internal sealed class ImportReportConfiguration : IEntityTypeConfiguration<ImportReport>
{
    public void Configure(EntityTypeBuilder<ImportReport> b)
    {
        b.ToTable("imports");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Actor).HasMaxLength(200);
        b.Property(x => x.Format).HasMaxLength(16);
        b.Property(x => x.Mode).HasMaxLength(16);
        b.Property(x => x.Status).HasMaxLength(16);
        b.Property(x => x.Errors).HasColumnType("jsonb");
        b.Property(x => x.IdempotencyKey).HasMaxLength(200);
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        b.HasIndex(x => new { x.StartedAt, x.Id });
    }
}
