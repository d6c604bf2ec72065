using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseApi.Review;

internal sealed class ProposalConfiguration : IEntityTypeConfiguration<Proposal>
{
    public void Configure(EntityTypeBuilder<Proposal> b)
    {
        b.ToTable("proposals");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Kind).HasMaxLength(16);
        b.Property(x => x.Status).HasMaxLength(16);
        b.Property(x => x.Slug).HasMaxLength(200);
        b.Property(x => x.Change).HasColumnType("jsonb");
        b.Property(x => x.BaseVersion).HasMaxLength(40);
        b.Property(x => x.Note).HasMaxLength(ReviewLimits.Note);
        b.Property(x => x.Author).HasMaxLength(200);
        b.Property(x => x.DecidedBy).HasMaxLength(200);
        b.Property(x => x.Reason).HasMaxLength(ReviewLimits.Reason);
        b.Property(x => x.RequestId).HasMaxLength(64);
        // No foreign key to cases: a proposal outlives the case it deleted, and a pending one must never block a delete.
        b.HasIndex(x => new { x.Status, x.ProposedAt });
        b.HasIndex(x => x.CaseId);
    }
}
