using CaseApi.Infrastructure.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseApi.Audit;

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.ToTable("people");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(200);
        b.Property(x => x.Issuer).HasMaxLength(200);
        b.Property(x => x.Subject).HasMaxLength(200);
        b.Property(x => x.Name).HasMaxLength(PeopleDirectory.MaxNameLength);
        b.Property(x => x.Email).HasMaxLength(PeopleDirectory.MaxEmailLength);
    }
}
