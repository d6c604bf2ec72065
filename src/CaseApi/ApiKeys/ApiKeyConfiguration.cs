using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseApi.ApiKeys;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Role).HasMaxLength(16);
        b.Property(x => x.Prefix).HasMaxLength(16);
        b.Property(x => x.CreatedBy).HasMaxLength(200);
        b.Property(x => x.Owner).HasMaxLength(200);
        // Authentication looks a key up by the hash of the presented secret.
        b.HasIndex(x => x.SecretHash).IsUnique();
        // Names are the audit trail's actors: two keys must never share one, even when created in parallel.
        b.HasIndex(x => x.Name).IsUnique();
    }
}
