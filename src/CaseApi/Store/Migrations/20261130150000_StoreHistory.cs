using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// One commit-ordered history of the store (docs/guides/history.md). Statement triggers with transition tables copy
    /// every changed row of the logged tables, and every audit row's hash, into history_entries, set-based, in the
    /// writing transaction. At that transaction's end a deferred constraint trigger seals it: it locks the one
    /// history_clock row, takes the next position, chains the commit's hash to the previous one and notifies the
    /// channel history. The row lock is held until the commit, so the next transaction takes its position only after
    /// this one is visible: positions are in commit order and every snapshot sees a prefix of them.
    /// The tables stay out of the EF model; the service may only read them (the triggers run as their owner).
    /// </summary>
    [DbContext(typeof(CaseDbContext))]
    [Migration("20261130150000_StoreHistory")]
    public partial class StoreHistory : Migration
    {
        /// <summary>The logged tables: entity name, key, slug and content expressions over a changed row r, and whether the row is kept.</summary>
        private static readonly (string Table, string Entity, string Key, string Slug, string Content, bool KeepRow)[] Logged =
        [
            ("cases", "case", "r.id::text", "r.slug", "to_jsonb(r) - 'search_vector'", true),
            ("sectors", "sector", "r.code", "NULL", "to_jsonb(r)", true),
            ("sponsors", "sponsor", "r.code", "NULL", "to_jsonb(r)", true),
            ("source_lists", "source-list", "r.code", "NULL", "to_jsonb(r)", true),
            ("policy_documents", "policy-document", "r.code", "NULL", "to_jsonb(r)", true),
            ("policy_document_sectors", "policy-document-sector", "r.policy_code || '/' || r.sector_code", "NULL", "to_jsonb(r)", true),
            // A key's secret hash never enters the history; an audit row stays in audit_events and only its hash is logged.
            ("api_keys", "api-key", "r.id::text", "NULL", "to_jsonb(r) - 'secret_hash'", true),
            ("audit_events", "audit", "r.id::text", "NULL", "to_jsonb(r)", false),
        ];

        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE history_clock (
                    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                    position bigint NOT NULL,
                    hash bytea NOT NULL);
                INSERT INTO history_clock VALUES (true, 0, '\x'::bytea);

                CREATE TABLE history_commits (
                    xid xid8 PRIMARY KEY,
                    position bigint UNIQUE,
                    committed_at timestamptz,
                    hash bytea);

                CREATE TABLE history_entries (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
                    entity text NOT NULL,
                    key text NOT NULL,
                    slug text,
                    action text NOT NULL,
                    row jsonb,
                    hash bytea NOT NULL);
                CREATE INDEX ix_history_entries_xid_id ON history_entries (xid, id);

                -- The hash of one entry and of one commit's link: the verifier recomputes both with these same functions.
                CREATE FUNCTION history_entry_hash(entity text, key text, slug text, action text, content jsonb) RETURNS bytea
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT sha256(convert_to(concat_ws(E'\n', entity, key, coalesce(slug, ''), action, coalesce(content::text, '')), 'UTF8'))
                $$;
                CREATE FUNCTION history_link_hash(previous bytea, at_position bigint, entries bytea) RETURNS bytea
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT sha256(previous || int8send(at_position) || coalesce(entries, '\x'::bytea))
                $$;

                CREATE FUNCTION history_capture() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE
                    logged bigint;
                BEGIN
                    IF current_setting('history.sealed', true) = 'on' THEN
                        RAISE EXCEPTION 'This transaction''s history is already sealed; a change after SET CONSTRAINTS ALL IMMEDIATE is refused.';
                    END IF;
                    EXECUTE format(
                        'INSERT INTO history_entries (entity, key, slug, action, row, hash)
                         SELECT %1$L, k.key, k.slug, %2$L, CASE WHEN %6$L::boolean THEN k.content END,
                                history_entry_hash(%1$L, k.key, k.slug, %2$L, k.content)
                         FROM (SELECT %3$s AS key, %4$s AS slug, %5$s AS content FROM changed r) k',
                        TG_ARGV[0], CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
                        TG_ARGV[1], TG_ARGV[2], CASE WHEN TG_OP = 'DELETE' THEN 'NULL::jsonb' ELSE TG_ARGV[3] END, TG_ARGV[4]);
                    GET DIAGNOSTICS logged = ROW_COUNT;
                    -- The first logged change of a transaction queues its seal (a statement that changed nothing queues none).
                    IF logged > 0 THEN
                        INSERT INTO history_commits (xid) VALUES (pg_current_xact_id()) ON CONFLICT (xid) DO NOTHING;
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION history_seal() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE
                    clock history_clock;
                    sealed bigint;
                    link bytea;
                    entities text;
                BEGIN
                    -- Under REPEATABLE READ the clock would be read from a snapshot older than the last commit.
                    IF current_setting('transaction_isolation') <> 'read committed' THEN
                        RAISE EXCEPTION 'changes to the store commit only in READ COMMITTED transactions';
                    END IF;
                    PERFORM set_config('history.sealed', 'on', true);
                    -- Held until this transaction commits: the next writer waits here until this commit is visible.
                    SELECT * INTO clock FROM history_clock FOR UPDATE;
                    sealed := clock.position + 1;
                    SELECT history_link_hash(clock.hash, sealed, string_agg(e.hash, '\x'::bytea ORDER BY e.id)),
                           string_agg(DISTINCT e.entity, ',' ORDER BY e.entity)
                    INTO link, entities
                    FROM history_entries e WHERE e.xid = NEW.xid;
                    UPDATE history_clock SET position = sealed, hash = link;
                    UPDATE history_commits SET position = sealed, committed_at = clock_timestamp(), hash = link WHERE xid = NEW.xid;
                    -- Delivered at commit, in commit order: replicas drop what they cached of these entities.
                    PERFORM pg_notify('history', sealed || ' ' || entities);
                    RETURN NULL;
                END $$;
                CREATE CONSTRAINT TRIGGER history_seal AFTER INSERT ON history_commits
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION history_seal();

                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN
                        ALTER TABLE history_clock OWNER TO caseapi_owner;
                        ALTER TABLE history_commits OWNER TO caseapi_owner;
                        ALTER TABLE history_entries OWNER TO caseapi_owner;
                        ALTER FUNCTION history_entry_hash(text, text, text, text, jsonb) OWNER TO caseapi_owner;
                        ALTER FUNCTION history_link_hash(bytea, bigint, bytea) OWNER TO caseapi_owner;
                        ALTER FUNCTION history_capture() OWNER TO caseapi_owner;
                        ALTER FUNCTION history_seal() OWNER TO caseapi_owner;
                    END IF;
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                        GRANT SELECT ON history_clock, history_commits, history_entries TO caseapi_service;
                    END IF;
                END $$;

                -- Keys are now heard through the history channel.
                DROP TRIGGER IF EXISTS api_keys_notify_change ON api_keys;
                DROP FUNCTION IF EXISTS api_keys_notify_change();
                """);

            foreach (var t in Logged)
            {
                var arguments = string.Join(", ", new[] { t.Entity, t.Key, t.Slug, t.Content, t.KeepRow ? "true" : "false" }.Select(Literal));
                // The audit trail refuses updates and deletes itself; its rows are only ever inserted.
                string[] operations = t.Table == "audit_events" ? ["INSERT"] : ["INSERT", "UPDATE", "DELETE"];
                foreach (var operation in operations)
                {
                    var transition = operation == "DELETE" ? "OLD" : "NEW";
                    migrationBuilder.Sql($"""
                        CREATE TRIGGER history_{operation.ToLowerInvariant()} AFTER {operation} ON {t.Table}
                            REFERENCING {transition} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION history_capture({arguments});
                        """);
                }
                // What the store held before the history began is its first commit.
                migrationBuilder.Sql($"""
                    INSERT INTO history_entries (entity, key, slug, action, row, hash)
                    SELECT {Literal(t.Entity)}, k.key, k.slug, 'create', CASE WHEN {t.KeepRow} THEN k.content END,
                           history_entry_hash({Literal(t.Entity)}, k.key, k.slug, 'create', k.content)
                    FROM (SELECT {t.Key} AS key, {t.Slug} AS slug, {t.Content} AS content FROM {t.Table} r ORDER BY 1) k;
                    """);
            }

            migrationBuilder.Sql("""
                INSERT INTO history_commits (xid) SELECT pg_current_xact_id() WHERE EXISTS (SELECT FROM history_entries);
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var t in Logged)
            {
                migrationBuilder.Sql($"""
                    DROP TRIGGER IF EXISTS history_insert ON {t.Table};
                    DROP TRIGGER IF EXISTS history_update ON {t.Table};
                    DROP TRIGGER IF EXISTS history_delete ON {t.Table};
                    """);
            }
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS history_entries, history_commits, history_clock;
                DROP FUNCTION IF EXISTS history_capture();
                DROP FUNCTION IF EXISTS history_seal();
                DROP FUNCTION IF EXISTS history_entry_hash(text, text, text, text, jsonb);
                DROP FUNCTION IF EXISTS history_link_hash(bytea, bigint, bytea);
                CREATE FUNCTION api_keys_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('api_keys_changed', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER api_keys_notify_change AFTER UPDATE OR DELETE OR TRUNCATE ON api_keys
                    FOR EACH STATEMENT EXECUTE FUNCTION api_keys_notify_change();
                """);
        }

        private static string Literal(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";
    }
}
