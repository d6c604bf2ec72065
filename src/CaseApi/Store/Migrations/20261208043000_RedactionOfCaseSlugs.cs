using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// A redaction also changes the slugs of the redacted cases that contain a spelling of the person, and the spelling's slug
    /// forms in URLs and references (issue 36 item 5): history_redact takes the old and new slugs of each case and the slug forms,
    /// and rewrites them in the slug and row of the cases' history entries, their audit rows, import reports and stored
    /// idempotent answers, as it rewrites names; the rewritten entries are
    /// listed in the redaction like the others, so /audit/verify checks them by their stored hash. Hand-written SQL only: the
    /// EF model does not change.
    /// </summary>
    [DbContext(typeof(CaseDbContext))]
    [Migration("20261208043000_RedactionOfCaseSlugs")]
    public partial class RedactionOfCaseSlugs : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(""""
                DROP FUNCTION history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text);

                -- Each old slug of the case (every case's when case_key is null) replaced by its new one where it stands as a
                -- whole slug: not inside a longer one ("us-v-a" is not touched in "us-v-a-2").
                CREATE FUNCTION history_redact_slugs(content text, case_key text, slug_cases text[], slug_from text[], slug_to text[])
                RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
                BEGIN
                    FOR i IN 1 .. coalesce(cardinality(slug_from), 0) LOOP
                        IF case_key IS NULL OR slug_cases[i] = case_key THEN
                            content := regexp_replace(content,
                                '(?<![[:alnum:]_-])' || regexp_replace(slug_from[i], '([^[:alnum:]])', '\\\1', 'g') || '(?![[:alnum:]_-])',
                                slug_to[i], 'g');
                        END IF;
                    END LOOP;
                    RETURN content;
                END $$;

                -- A case's text as a redaction leaves it: its old slugs mapped first (so a spelling never splits one), then the
                -- spellings as words (names: history_redaction_pattern of the terms), then their slug forms of two or more words
                -- (slugs: the same of those forms, in URLs and references), as EntityRedaction does to the current row.
                CREATE FUNCTION history_redact_text(content text, case_key text, names text, placeholder text, slugs text,
                                                    slug_placeholder text, slug_cases text[], slug_from text[], slug_to text[])
                RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
                BEGIN
                    content := regexp_replace(history_redact_slugs(content, case_key, slug_cases, slug_from, slug_to), names, placeholder, 'gi');
                    RETURN CASE WHEN slugs IS NULL THEN content ELSE regexp_replace(content, slugs, slug_placeholder, 'gi') END;
                END $$;

                -- Redacts one entity as migration EntityRedaction's history_redact did, and also changes the slugs of the
                -- redacted cases (slug_cases[i]: the case's id, slug_from[i] an old slug, slug_to[i] its new one) and the slug forms
                -- of the name (slug_words, by slug_placeholder): in the slug of their history entries, in their rows and audit rows
                -- and in import reports (history_redact_text); stored idempotent answers naming either are dropped. Returns the
                -- redactions row's id.
                CREATE FUNCTION history_redact(redacted uuid, case_ids uuid[], terms text[], own_terms text[], placeholder text,
                                               redacted_row jsonb, redaction_reason text, redaction_actor text,
                                               slug_cases text[], slug_from text[], slug_to text[], slug_words text[],
                                               slug_placeholder text) RETURNS bigint
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE
                    names text := history_redaction_pattern(terms);
                    own text := history_redaction_pattern(terms || own_terms);
                    slugs text := history_redaction_pattern(slug_words);
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
                                       ELSE history_redact_text(e.row::text, e.key, names, placeholder, slugs, slug_placeholder,
                                                                slug_cases, slug_from, slug_to)::jsonb END,
                            slug = CASE WHEN e.entity = 'entity' THEN redacted_row ->> 'slug'
                                        ELSE coalesce((SELECT m.t FROM unnest(slug_cases, slug_from, slug_to) m(k, f, t)
                                                       WHERE m.k = e.key AND m.f = e.slug LIMIT 1), e.slug) END
                        WHERE e.xid <> pg_current_xact_id()
                          AND ((e.entity = 'entity' AND e.key = redacted::text AND e.row IS NOT NULL AND e.row <> e.row || redacted_row)
                               OR (e.entity = 'case' AND e.key = ANY(case_ids::text[])
                                   AND (e.slug = ANY(slug_from)
                                        OR history_redact_text(e.row::text, e.key, names, placeholder, slugs, slug_placeholder,
                                                               slug_cases, slug_from, slug_to) <> e.row::text)))
                        RETURNING e.id)
                    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO rewritten FROM changed;

                    WITH changed AS (
                        UPDATE audit_events a
                        SET changes = CASE WHEN a.entity_type = 'entity' THEN regexp_replace(a.changes::text, own, placeholder, 'gi')
                                           ELSE history_redact_text(a.changes::text, a.entity_id, names, placeholder, slugs, slug_placeholder,
                                                                    slug_cases, slug_from, slug_to) END::jsonb
                        WHERE a.changes IS NOT NULL
                          AND ((a.entity_type = 'entity' AND a.entity_id = redacted::text AND a.changes::text ~* own)
                               OR (a.entity_type = 'case' AND a.entity_id = ANY(case_ids::text[])
                                   AND history_redact_text(a.changes::text, a.entity_id, names, placeholder, slugs, slug_placeholder,
                                                           slug_cases, slug_from, slug_to) <> a.changes::text))
                        RETURNING a.id)
                    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO audits FROM changed;
                    -- An audit row's entry holds only its hash, recomputed from the row: those entries are checked by hash now.
                    rewritten := rewritten || coalesce((SELECT array_agg(e.id ORDER BY e.id) FROM history_entries e
                                                        WHERE e.entity = 'audit' AND e.key = ANY(audits::text[])), '{}');

                    UPDATE imports SET errors = history_redact_text(errors::text, NULL, names, placeholder, slugs, slug_placeholder,
                                                                    slug_cases, slug_from, slug_to)::jsonb
                    WHERE errors IS NOT NULL
                      AND history_redact_text(errors::text, NULL, names, placeholder, slugs, slug_placeholder, slug_cases, slug_from, slug_to)
                          <> errors::text;
                    DELETE FROM idempotent_requests
                    WHERE body IS NOT NULL
                      AND history_redact_text(convert_from(body, 'UTF8'), NULL, names, placeholder, slugs, slug_placeholder,
                                              slug_cases, slug_from, slug_to) <> convert_from(body, 'UTF8');

                    PERFORM set_config('caseapi.redacting', 'off', true);
                    INSERT INTO redactions (entity_id, reason, actor, entries, audit_events)
                    VALUES (redacted, redaction_reason, redaction_actor, rewritten, audits)
                    RETURNING id INTO redaction;
                    RETURN redaction;
                END $$;

                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN
                        ALTER FUNCTION history_redact_slugs(text, text, text[], text[], text[]) OWNER TO caseapi_owner;
                        ALTER FUNCTION history_redact_text(text, text, text, text, text, text, text[], text[], text[]) OWNER TO caseapi_owner;
                        ALTER FUNCTION history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text,
                                                   text[], text[], text[], text[], text) OWNER TO caseapi_owner;
                    END IF;
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                        REVOKE ALL ON FUNCTION history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text,
                                                   text[], text[], text[], text[], text) FROM PUBLIC;
                        GRANT EXECUTE ON FUNCTION history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text,
                                                   text[], text[], text[], text[], text) TO caseapi_service;
                    END IF;
                END $$;
                """");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(""""
                DROP FUNCTION IF EXISTS history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text,
                                                   text[], text[], text[], text[], text);
                DROP FUNCTION IF EXISTS history_redact_text(text, text, text, text, text, text, text[], text[], text[]);
                DROP FUNCTION IF EXISTS history_redact_slugs(text, text, text[], text[], text[]);

                """" + EntityRedaction.HistoryRedactFunction + "\n" + """"
                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN
                        ALTER FUNCTION history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text) OWNER TO caseapi_owner;
                    END IF;
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN
                        REVOKE ALL ON FUNCTION history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text) FROM PUBLIC;
                        GRANT EXECUTE ON FUNCTION history_redact(uuid, uuid[], text[], text[], text, jsonb, text, text) TO caseapi_service;
                    END IF;
                END $$;
                """");
        }
    }
}
