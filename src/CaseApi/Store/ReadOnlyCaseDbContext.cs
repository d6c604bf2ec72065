using Microsoft.EntityFrameworkCore;

namespace CaseApi.Store;

/// <summary>
/// The case store for reads that may lag a little: lists, statistics and exports. It connects to
/// ConnectionStrings:CasesReadOnly (a streaming replica) when that is set, else to ConnectionStrings:Cases,
/// and never tracks. Writes and reads that must see the latest write (a GET by id after a PUT) use <see cref="CaseDbContext"/>.
/// </summary>
public sealed class ReadOnlyCaseDbContext(DbContextOptions<ReadOnlyCaseDbContext> options) : CaseDbContext(options);
