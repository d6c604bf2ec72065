using CaseApi.ApiKeys;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Entities;
using CaseApi.Imports;
using CaseApi.Linkage;
using CaseApi.ReferenceData;
using CaseApi.Review;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Store;

public class CaseDbContext : DbContext
{
    public CaseDbContext(DbContextOptions<CaseDbContext> options) : base(options) { }

    /// <summary>For <see cref="ReadOnlyCaseDbContext"/>: the same model over another connection.</summary>
    protected CaseDbContext(DbContextOptions options) : base(options) { }

    public DbSet<Case> Cases => Set<Case>();
    public DbSet<Sector> Sectors => Set<Sector>();
    public DbSet<Sponsor> Sponsors => Set<Sponsor>();
    public DbSet<PolicyDocument> PolicyDocuments => Set<PolicyDocument>();
    public DbSet<PolicyDocumentSector> PolicyDocumentSectors => Set<PolicyDocumentSector>();
    public DbSet<SourceList> SourceLists => Set<SourceList>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ImportReport> Imports => Set<ImportReport>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<SourceListEntry> ListEntries => Set<SourceListEntry>();
    public DbSet<EntryCandidate> EntryCandidates => Set<EntryCandidate>();
    public DbSet<ListMapping> ListMappings => Set<ListMapping>();
    public DbSet<LinkageCaseKey> LinkageCaseKeys => Set<LinkageCaseKey>();
    public DbSet<LinkageModelState> LinkageModels => Set<LinkageModelState>();
    public DbSet<Entity> Entities => Set<Entity>();
    public DbSet<CaseEntityLink> CaseEntityLinks => Set<CaseEntityLink>();
    public DbSet<Proposal> Proposals => Set<Proposal>();

    /// <summary>
    /// The policy documents whose objectives name any of the given sectors, in code order. Translated to the SQL
    /// function aligned_policies(text[]) (created by the first migration), so alignment is always derived from the
    /// current mapping at query time and never stored per case.
    /// </summary>
    public static string[] AlignedPolicies(string[] sectors) =>
        throw new InvalidOperationException($"{nameof(AlignedPolicies)}({sectors}) runs in PostgreSQL only.");

    /// <summary><see cref="AlignedPolicies"/> over the mapping as it was at a history position (aligned_policies_as_of).</summary>
    public static string[] AlignedPoliciesAsOf(string[] sectors, long position) =>
        throw new InvalidOperationException($"{nameof(AlignedPoliciesAsOf)}({sectors}, {position}) runs in PostgreSQL only.");

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CaseDbContext).Assembly);
        modelBuilder.HasDbFunction(typeof(CaseDbContext).GetMethod(nameof(AlignedPolicies))!).HasName("aligned_policies");
        modelBuilder.HasDbFunction(typeof(CaseDbContext).GetMethod(nameof(AlignedPoliciesAsOf))!).HasName("aligned_policies_as_of");
    }
}
