using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseApi.Audit;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).UseIdentityAlwaysColumn();
        b.Property(x => x.Actor).HasMaxLength(200);
        b.Property(x => x.Action).HasMaxLength(40);
        b.Property(x => x.EntityType).HasMaxLength(40);
        b.Property(x => x.EntityId).HasMaxLength(200);
        b.Property(x => x.RequestId).HasMaxLength(100);
        b.Property(x => x.Changes).HasColumnType("jsonb");
        // A case's history and the /audit filters read newest first by entity, by time and by actor.
        b.HasIndex(x => new { x.EntityType, x.EntityId, x.Id });
        b.HasIndex(x => x.OccurredAt);
        b.HasIndex(x => x.Actor);
        b.HasIndex(x => x.ImportId);
    }
}
