using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// asOf=&lt;time&gt; resolves to the last sealed commit at or before that time; without an index on committed_at that
    /// was a scan of every commit. The table stays out of the EF model, so this migration changes no model.
    /// </summary>
    [DbContext(typeof(CaseDbContext))]
    [Migration("20261207070000_HistoryCommitTime")]
    public partial class HistoryCommitTime : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_history_commits_committed_at ON history_commits (committed_at, position) WHERE position IS NOT NULL;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_history_commits_committed_at;");
        }
    }
}
