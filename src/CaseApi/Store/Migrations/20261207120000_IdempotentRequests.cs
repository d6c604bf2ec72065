using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// The answers kept for Idempotency-Key (Infrastructure/Http/Idempotency.cs): one row per API key and idempotency key,
    /// with the hash of the request that took it and, once it has run, its answer (status, the headers a retry needs, the
    /// body). A row without a status is a request still running. Rows older than the window are deleted as the same API
    /// key makes new ones. The table stays out of the EF model and out of the history: it holds answers, not data.
    /// </summary>
    [DbContext(typeof(CaseDbContext))]
    [Migration("20261207120000_IdempotentRequests")]
    public partial class IdempotentRequests : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE idempotent_requests (
                    actor text NOT NULL,
                    key text NOT NULL,
                    request_hash bytea NOT NULL,
                    created_at timestamptz NOT NULL,
                    status integer,
                    headers jsonb,
                    body bytea,
                    CONSTRAINT pk_idempotent_requests PRIMARY KEY (actor, key)
                );

                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN
                        ALTER TABLE idempotent_requests OWNER TO caseapi_owner;
                    END IF;
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                        GRANT SELECT, INSERT, UPDATE, DELETE ON idempotent_requests TO caseapi_service;
                    END IF;
                END $$;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS idempotent_requests;");
        }
    }
}
