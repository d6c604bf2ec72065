using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// Issue 30 (docs/operations/security.md): ids and slugs cannot be confused, and the serving role cannot rewrite keys
    /// or the history. (1) A slug shaped like a UUID is renamed (with its audit row) and one case as of a position is found
    /// by id when given a UUID and by slug otherwise. (2) A revoked key stays revoked; keys are inserted only by
    /// create_api_key, which writes the audit row in the same statement; a transaction's seal is read from
    /// history_commits, which only the owner writes, instead of from a setting any session can change; each commit records
    /// the login that made it, so that verification can ask every commit of the serving role for its audit rows.
    /// </summary>
    [DbContext(typeof(CaseDbContext))]
    [Migration("20261207090000_SecurityStore")]
    public partial class SecurityStore : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                -- The forms of a UUID a slug (lower-case kebab case) can take: 8-4-4-4-12 and 32 digits, as .NET's Guid.TryParse
                -- reads them. The service passes ids to SQL in the first form.
                CREATE FUNCTION case_id_of(id_or_slug text) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT CASE WHEN id_or_slug ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                  OR id_or_slug ~* '^[0-9a-f]{32}$' THEN id_or_slug::uuid END
                $$;

                -- One case by id or slug as of a position: by id when the value is a UUID, else by slug, never both. Matching
                -- both let a case whose slug is another case's id answer for it (two rows: a 500; or a deleted case's id: forged
                -- content under a genuine id).
                CREATE OR REPLACE FUNCTION cases_as_of(at_position bigint, id_or_slug text) RETURNS SETOF cases
                LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
                DECLARE
                    wanted uuid := case_id_of(id_or_slug);
                BEGIN
                    IF wanted IS NOT NULL THEN
                        RETURN QUERY SELECT r.* FROM (
                            SELECT DISTINCT ON (e.key) e.action, e.row
                            FROM history_entries e JOIN history_commits k ON k.xid = e.xid
                            WHERE e.entity = 'case' AND e.key = wanted::text AND k.position <= at_position
                            ORDER BY e.key, k.position DESC, e.id DESC) l
                        CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, l.row) r
                        WHERE l.action <> 'delete';
                    ELSE
                        RETURN QUERY SELECT r.* FROM (
                            SELECT DISTINCT ON (e.key) e.action, e.row
                            FROM history_entries e JOIN history_commits k ON k.xid = e.xid
                            WHERE e.entity = 'case' AND k.position <= at_position
                              AND e.key IN (SELECT h.key FROM history_entries h WHERE h.entity = 'case' AND h.slug = id_or_slug)
                            ORDER BY e.key, k.position DESC, e.id DESC) l
                        CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, l.row) r
                        WHERE l.action <> 'delete' AND r.slug = id_or_slug;
                    END IF;
                END $$;

                -- Slugs shaped like a UUID, written before the validator refused them: each becomes case-<slug>, recorded in the
                -- audit trail as the system's update. Kept as a function so that an operator (and a test) can run it again.
                CREATE FUNCTION cases_rename_uuid_slugs() RETURNS integer LANGUAGE plpgsql AS $$
                DECLARE
                    found record;
                    renamed text;
                    renames integer := 0;
                BEGIN
                    FOR found IN SELECT id, slug FROM cases WHERE case_id_of(slug) IS NOT NULL ORDER BY id FOR UPDATE LOOP
                        renamed := 'case-' || found.slug;
                        WHILE EXISTS (SELECT FROM cases WHERE slug = renamed) LOOP
                            renamed := 'case-' || renamed;
                        END LOOP;
                        UPDATE cases SET slug = renamed WHERE id = found.id;
                        INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id, changes)
                        VALUES (now(), 'system', 'update', 'case', found.id::text,
                                jsonb_build_object('slug', jsonb_build_object('from', found.slug, 'to', renamed)));
                        renames := renames + 1;
                    END LOOP;
                    RETURN renames;
                END $$;
                SELECT cases_rename_uuid_slugs();

                -- A revocation is permanent, whoever asks.
                CREATE FUNCTION api_keys_stay_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
                        RAISE EXCEPTION 'API key % was revoked at %; a revocation is permanent.', OLD.id, OLD.revoked_at
                            USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER api_keys_stay_revoked BEFORE UPDATE ON api_keys FOR EACH ROW EXECUTE FUNCTION api_keys_stay_revoked();

                -- The only way the serving role adds a key: the key and its audit row in one statement, so no key exists that
                -- the audit trail does not name.
                CREATE FUNCTION create_api_key(
                    key_id uuid, key_name text, key_role text, key_secret_hash bytea, key_prefix text, key_created_at timestamptz,
                    key_created_by text, key_expires_at timestamptz, key_owner text, audit_actor text, audit_request_id text,
                    audit_changes jsonb)
                RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                BEGIN
                    INSERT INTO api_keys (id, name, role, secret_hash, prefix, created_at, created_by, expires_at, owner)
                    VALUES (key_id, key_name, key_role, key_secret_hash, key_prefix, key_created_at, key_created_by, key_expires_at,
                            key_owner);
                    INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id, request_id, changes)
                    VALUES (now(), audit_actor, 'key-created', 'api-key', key_id::text, audit_request_id, audit_changes);
                END $$;
                REVOKE ALL ON FUNCTION create_api_key(uuid, text, text, bytea, text, timestamptz, text, timestamptz, text, text, text, jsonb)
                    FROM PUBLIC;

                -- The login of each commit: verification holds the serving role's commits to their audit rows (a migration's,
                -- made by the owner, change the schema's own data). Commits sealed before this migration have none.
                ALTER TABLE history_commits ADD COLUMN login name;

                """);
            // The seal no longer sets history.sealed (any session can set it back); a sealed transaction is one whose
            // history_commits row has its position, which only the owner's seal writes.
            migrationBuilder.Sql(Capture(Sealed) + "\n" + Seal(markSealed: "", login: ", login = session_user"));
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN
                        ALTER FUNCTION case_id_of(text) OWNER TO caseapi_owner;
                        ALTER FUNCTION cases_rename_uuid_slugs() OWNER TO caseapi_owner;
                        ALTER FUNCTION api_keys_stay_revoked() OWNER TO caseapi_owner;
                        ALTER FUNCTION create_api_key(uuid, text, text, bytea, text, timestamptz, text, timestamptz, text, text, text, jsonb)
                            OWNER TO caseapi_owner;
                    END IF;
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                        REVOKE INSERT ON api_keys FROM caseapi_service;
                        REVOKE ALL ON FUNCTION cases_rename_uuid_slugs() FROM PUBLIC;
                        GRANT EXECUTE ON FUNCTION case_id_of(text) TO caseapi_service;
                        GRANT EXECUTE ON FUNCTION create_api_key(uuid, text, text, bytea, text, timestamptz, text, timestamptz, text, text, text, jsonb)
                            TO caseapi_service;
                    END IF;
                END $$;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                        GRANT INSERT ON api_keys TO caseapi_service;
                    END IF;
                END $$;
                DROP FUNCTION IF EXISTS create_api_key(uuid, text, text, bytea, text, timestamptz, text, timestamptz, text, text, text, jsonb);
                DROP TRIGGER IF EXISTS api_keys_stay_revoked ON api_keys;
                DROP FUNCTION IF EXISTS api_keys_stay_revoked();
                DROP FUNCTION IF EXISTS cases_rename_uuid_slugs();
                ALTER TABLE history_commits DROP COLUMN IF EXISTS login;

                CREATE OR REPLACE FUNCTION cases_as_of(at_position bigint, id_or_slug text) RETURNS SETOF cases
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT r.* FROM (
                        SELECT DISTINCT ON (e.key) e.action, e.row
                        FROM history_entries e JOIN history_commits k ON k.xid = e.xid
                        WHERE e.entity = 'case' AND k.position <= at_position
                          AND e.key IN (SELECT h.key FROM history_entries h WHERE h.entity = 'case' AND (h.key = id_or_slug OR h.slug = id_or_slug))
                        ORDER BY e.key, k.position DESC, e.id DESC) l
                    CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, l.row) r
                    WHERE l.action <> 'delete' AND (r.id::text = id_or_slug OR r.slug = id_or_slug)
                $$;
                DROP FUNCTION IF EXISTS case_id_of(text);
                """);
            // The capture and the seal as migration StoreHistory made them.
            migrationBuilder.Sql(Capture("current_setting('history.sealed', true) = 'on'") + "\n"
                + Seal(markSealed: "PERFORM set_config('history.sealed', 'on', true);", login: ""));
        }

        // Whether this transaction's history is sealed: its history_commits row has a position, written only by the seal.
        private const string Sealed = "EXISTS (SELECT FROM history_commits WHERE xid = pg_current_xact_id() AND position IS NOT NULL)";

        // history_capture as migration StoreHistory made it, refusing a change once isSealed holds.
        private static string Capture(string isSealed) => $$"""
                    CREATE OR REPLACE FUNCTION history_capture() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
                    SET search_path = public, pg_temp AS $$
                    DECLARE
                        logged bigint;
                    BEGIN
                        IF {{isSealed}} THEN
                            RAISE EXCEPTION 'This transaction''s history is already sealed; a change after SET CONSTRAINTS ALL IMMEDIATE is refused.'
                                USING ERRCODE = 'insufficient_privilege';
                        END IF;
                        EXECUTE format(
                            'INSERT INTO history_entries (entity, key, slug, action, row, hash)
                             SELECT %1$L, k.key, k.slug, %2$L, CASE WHEN %6$L::boolean THEN k.content END,
                                    history_entry_hash(%1$L, k.key, k.slug, %2$L, k.content)
                             FROM (SELECT %3$s AS key, %4$s AS slug, %5$s AS content FROM changed r) k',
                            TG_ARGV[0], CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
                            TG_ARGV[1], TG_ARGV[2], CASE WHEN TG_OP = 'DELETE' THEN 'NULL::jsonb' ELSE TG_ARGV[3] END, TG_ARGV[4]);
                        GET DIAGNOSTICS logged = ROW_COUNT;
                        IF logged > 0 THEN
                            INSERT INTO history_commits (xid) VALUES (pg_current_xact_id()) ON CONFLICT (xid) DO NOTHING;
                        END IF;
                        RETURN NULL;
                    END $$;
                """;

        // history_seal as migration StoreHistory made it; markSealed and login are the parts this migration changes.
        private static string Seal(string markSealed, string login) => $$"""
                    CREATE OR REPLACE FUNCTION history_seal() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
                    SET search_path = public, pg_temp AS $$
                    DECLARE
                        clock history_clock;
                        sealed bigint;
                        link bytea;
                        entities text;
                    BEGIN
                        IF current_setting('transaction_isolation') <> 'read committed' THEN
                            RAISE EXCEPTION 'changes to the store commit only in READ COMMITTED transactions';
                        END IF;
                        {{markSealed}}
                        SELECT * INTO clock FROM history_clock FOR UPDATE;
                        sealed := clock.position + 1;
                        SELECT history_link_hash(clock.hash, sealed, string_agg(e.hash, '\x'::bytea ORDER BY e.id)),
                               string_agg(DISTINCT e.entity, ',' ORDER BY e.entity)
                        INTO link, entities
                        FROM history_entries e WHERE e.xid = NEW.xid;
                        UPDATE history_clock SET position = sealed, hash = link;
                        UPDATE history_commits SET position = sealed, committed_at = clock_timestamp(), hash = link{{login}}
                        WHERE xid = NEW.xid;
                        PERFORM pg_notify('history', sealed || ' ' || entities);
                        RETURN NULL;
                    END $$;
                """;
    }
}
