using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// Redaction of personal data (issue 36 item 5, docs/operations/security.md#redaction). The history and the audit trail
    /// are append-only; this is their one, narrow exception: history_redact, a SECURITY DEFINER function owned by the owner
    /// role and executable by the service, rewrites the stored content of the history entries, audit rows, import reports
    /// and idempotent answers that name a redacted person (never an entry's hash, key, action or position), and records what
    /// it rewrote in a redactions row, which the history captures like any change, so the redaction is itself in the hash
    /// chain. /audit/verify then checks those entries by their stored hash (which the commit links still chain) instead of
    /// recomputing it from the rewritten content. Hand-written SQL only: the table stays out of the EF model.
    /// </summary>
    [DbContext(typeof(CaseDbContext))]
    [Migration("20261207190000_EntityRedaction")]
    public partial class EntityRedaction : Migration
    {
        /// <summary>The first history_redact, which migration RedactionOfCaseSlugs replaces (and its Down restores).</summary>
        internal const string HistoryRedactFunction = """
                -- Redacts one entity: its own history entries get the redacted row (redacted_row: name, slug, aliases, keys,
                -- description, identifiers, sources) and the redacted slug; the entries of the given cases, the audit rows about
                -- the entity (with own_terms too: its slug, description, identifiers, sources) and about those cases, and import
                -- reports have every term replaced by the placeholder; stored idempotent answers naming a term are dropped.
                -- An entry's hash, key, action and position are never touched. Returns the id of the redactions row.
                CREATE FUNCTION history_redact(redacted uuid, case_ids uuid[], terms text[], own_terms text[], placeholder text,
                                               redacted_row jsonb, redaction_reason text, redaction_actor text) RETURNS bigint
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE
                    names text := history_redaction_pattern(terms);
                    own text := history_redaction_pattern(terms || own_terms);
                    rewritten bigint[];
                    audits bigint[];
                    redaction bigint;
                BEGIN
                    IF names IS NULL THEN
                        RAISE EXCEPTION 'history_redact needs at least one term of two or more characters';
                    END IF;
                    -- The cases that ever named the entity, not only those that name it now.
                    case_ids := case_ids || coalesce((SELECT array_agg(DISTINCT split_part(h.key, '/', 1)::uuid) FROM history_entries h
                                                      WHERE h.entity = 'case-entity' AND split_part(h.key, '/', 3) = redacted::text), '{}');
                    PERFORM set_config('caseapi.redacting', 'on', true);

                    WITH changed AS (
                        UPDATE history_entries e
                        SET row = CASE WHEN e.entity = 'entity' THEN e.row || redacted_row
                                       ELSE regexp_replace(e.row::text, names, placeholder, 'gi')::jsonb END,
                            slug = CASE WHEN e.entity = 'entity' THEN redacted_row ->> 'slug' ELSE e.slug END
                        WHERE e.xid <> pg_current_xact_id() AND e.row IS NOT NULL
                          AND ((e.entity = 'entity' AND e.key = redacted::text AND e.row <> e.row || redacted_row)
                               OR (e.entity = 'case' AND e.key = ANY(case_ids::text[]) AND e.row::text ~* names))
                        RETURNING e.id)
                    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO rewritten FROM changed;

                    WITH changed AS (
                        UPDATE audit_events a
                        SET changes = regexp_replace(a.changes::text, CASE WHEN a.entity_type = 'entity' THEN own ELSE names END,
                                                     placeholder, 'gi')::jsonb
                        WHERE a.changes IS NOT NULL
                          AND ((a.entity_type = 'entity' AND a.entity_id = redacted::text AND a.changes::text ~* own)
                               OR (a.entity_type = 'case' AND a.entity_id = ANY(case_ids::text[]) AND a.changes::text ~* names))
                        RETURNING a.id)
                    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO audits FROM changed;
                    -- An audit row's entry holds only its hash, recomputed from the row: those entries are checked by hash now.
                    rewritten := rewritten || coalesce((SELECT array_agg(e.id ORDER BY e.id) FROM history_entries e
                                                        WHERE e.entity = 'audit' AND e.key = ANY(audits::text[])), '{}');

                    UPDATE imports SET errors = regexp_replace(errors::text, names, placeholder, 'gi')::jsonb
                    WHERE errors IS NOT NULL AND errors::text ~* names;
                    DELETE FROM idempotent_requests WHERE body IS NOT NULL AND convert_from(body, 'UTF8') ~* names;

                    PERFORM set_config('caseapi.redacting', 'off', true);
                    INSERT INTO redactions (entity_id, reason, actor, entries, audit_events)
                    VALUES (redacted, redaction_reason, redaction_actor, rewritten, audits)
                    RETURNING id INTO redaction;
                    RETURN redaction;
                END $$;
                """;

        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // ---- Hand-written SQL of migration EntityRedaction (carry over verbatim, with HistoryRedactFunction) ----
            migrationBuilder.Sql("""
                CREATE TABLE redactions (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    entity_id uuid NOT NULL,
                    reason text NOT NULL,
                    actor text NOT NULL,
                    redacted_at timestamptz NOT NULL DEFAULT now(),
                    entries bigint[] NOT NULL,
                    audit_events bigint[] NOT NULL);

                CREATE FUNCTION redactions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'redactions is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER redactions_no_update_or_delete BEFORE UPDATE OR DELETE ON redactions
                    FOR EACH ROW EXECUTE FUNCTION redactions_append_only();
                CREATE TRIGGER redactions_no_truncate BEFORE TRUNCATE ON redactions
                    FOR EACH STATEMENT EXECUTE FUNCTION redactions_append_only();
                CREATE TRIGGER history_insert AFTER INSERT ON redactions REFERENCING NEW TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION history_capture('redaction', 'r.id::text', 'NULL', 'to_jsonb(r)', 'true');

                -- The audit trail stays append-only, except for the rewrite of a row's changes by history_redact (which sets
                -- caseapi.redacting for its own transaction only); the service has no UPDATE right on the table at all.
                CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND current_setting('caseapi.redacting', true) = 'on'
                       AND to_jsonb(NEW) - 'changes' = to_jsonb(OLD) - 'changes' THEN
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END $$;

                -- A regex of whole-word, case-insensitive occurrences of the terms as they are written inside JSON strings.
                CREATE FUNCTION history_redaction_pattern(terms text[]) RETURNS text
                LANGUAGE sql IMMUTABLE AS $$
                    SELECT '(?<![[:alnum:]_])('
                           || string_agg(regexp_replace(substr(j, 2, length(j) - 2), '([.\\+*?\[^\]$(){}=!<>|:#/-])', '\\\1', 'g'),
                                         '|' ORDER BY length(j) DESC)
                           || ')(?![[:alnum:]_])'
                    FROM (SELECT DISTINCT to_json(t)::text AS j FROM unnest(terms) t WHERE length(t) >= 2) k
                $$;

                """ + HistoryRedactFunction + "\n" + """
                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN
                        ALTER TABLE redactions OWNER TO caseapi_owner;
                        ALTER FUNCTION redactions_append_only() OWNER TO caseapi_owner;
                        ALTER FUNCTION history_redaction_pattern(text[]) OWNER TO caseapi_owner;
                        ALTER FUNCTION history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text) OWNER TO caseapi_owner;
                    END IF;
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                        GRANT SELECT ON redactions TO caseapi_service;
                        REVOKE ALL ON FUNCTION history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text) FROM PUBLIC;
                        GRANT EXECUTE ON FUNCTION history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text) TO caseapi_service;
                    END IF;
                END $$;
                """);
            // ---- end of hand-written SQL ----
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION IF EXISTS history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text);
                DROP FUNCTION IF EXISTS history_redaction_pattern(text[]);
                DROP TABLE IF EXISTS redactions;
                DROP FUNCTION IF EXISTS redactions_append_only();
                CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END $$;
                """);
        }
    }
}
